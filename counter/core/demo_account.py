"""A demo hall as the App sees it: its accounts and two moves (a leaf: the App, the demo and the
simulator share it, so the App never imports counter.demo — and with it the server parts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class DemoAccount:
    staff_no: str
    name: str
    role: str
    password: str
    window: int | None = None


class DemoControl(Protocol):
    """What the App asks of a running demo hall (counter.demo.DemoHall is one)."""

    @property
    def accounts(self) -> Sequence[DemoAccount]: ...

    async def start(self) -> None: ...

    async def free_window(self, no: int) -> None: ...

    @property
    def speed(self) -> float:
        """How many times faster than the wall the hall's clock runs."""
        ...

    def now(self) -> datetime:
        """The hall's clock (the simulated hall's in a living demo)."""
        ...

    def remove_files(self) -> None:
        """Delete the hall's temporary files at once (the last step of a quit that cannot end
        normally); safe to call twice."""
        ...
