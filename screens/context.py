"""What a screen needs from the App, as a Protocol (screens never import counter.app: no cycle)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast

from textual.app import App
from textual.signal import Signal

if TYPE_CHECKING:
    from client.api import CentralClient
    from client.models import Event
    from counter.core.config import Config
    from counter.core.demo_account import DemoAccount
    from counter.core.desk import Desk
    from counter.core.session import Session


class Host(Protocol):
    client: CentralClient
    config: Config
    session: Session
    # The live fan-out (screens/live.py: hear_hall, hear_session).
    hall_events: Signal[Event]
    session_changed: Signal[None]

    @property
    def demo_accounts(self) -> Sequence[DemoAccount]: ...

    @property
    def is_demo(self) -> bool: ...

    @property
    def token_note(self) -> str | None: ...

    def now(self) -> datetime: ...

    @property
    def clock_speed(self) -> float: ...

    async def prepare_window(self, no: int) -> None: ...

    def back_to_sign_on(self) -> None: ...

    def desk(self, ticket_id: int | None) -> Desk | None: ...


def host(app: App[object]) -> Host:
    """The running CounterApp, seen through what screens may use."""
    return cast("Host", app)
