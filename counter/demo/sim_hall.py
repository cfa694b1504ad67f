"""The simulated hall as its people see it: what a kiosk, a colleague or the desk work reads of
the HallSimulator (counter.demo.simulator), which builds them. Written as a Protocol here, below
all of them, so none of them imports the simulator back.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from client.api import CentralClient
    from client.catalog_models import CatalogItem
    from counter.demo.citizens import Bag
    from counter.demo.sim_time import SimTime


@dataclass
class SimulatorStats:
    """What the simulated hall did, for tests and the trainer's curiosity."""

    issued: Counter[str] = field(default_factory=Counter)  # queue prefix → tickets
    kinds: Counter[str] = field(default_factory=Counter)
    called_by_window: Counter[int] = field(default_factory=Counter)
    started: int = 0
    finished: int = 0
    recalls: int = 0
    no_shows: int = 0
    breaks: int = 0
    errors: int = 0
    decisions: Counter[str] = field(default_factory=Counter)  # what colleagues decided
    returns: int = 0  # citizens back after a notice


class Returns(Protocol):
    """The citizens coming back after a notice (counter.demo.desk_work.DeskWork)."""

    def due_returns(self) -> list[tuple[str, Bag]]: ...


class SimulatedHall(Protocol):
    """What the hall's people read of the simulator: its seed and pace, their own client, the
    simulated time, the catalog (the kiosk reads it), the citizens' bags, the figures."""

    items: dict[str, CatalogItem]

    @property
    def seed(self) -> int: ...

    @property
    def speed(self) -> float: ...

    @property
    def new_client(self) -> Callable[[], CentralClient]: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...

    @property
    def time(self) -> SimTime: ...

    @property
    def stats(self) -> SimulatorStats: ...

    @property
    def bags(self) -> dict[int, tuple[str, Bag]]: ...

    @property
    def bag_rng(self) -> random.Random: ...

    @property
    def desk(self) -> Returns: ...

    def now(self) -> datetime: ...

    def elapsed_s(self) -> float: ...
