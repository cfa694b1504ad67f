"""Messages workers post; the handlers (screen or App) own the state they change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from client.errors import CentralError
from counter.core.credentials import CachedToken

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.models import Event, Hall, LoginResponse, QueuesResponse, Staff, Ticket, Window


@dataclass
class ApiFailed(Message):
    """A call to the central API failed; the App turns it into one clear notice."""

    error: CentralError
    action: str = ""
    quiet: bool = False  # background work: say it once, not on every retry


@dataclass
class LoggedIn(Message):
    response: LoginResponse


@dataclass
class TokenRestored(Message):
    """A cached token turned out valid (GET /v1/me answered); the hall came with it."""

    staff: Staff
    token: str
    hall: Hall | None = None
    queues: QueuesResponse | None = None  # read with them: a restart paints its figures at once


@dataclass
class HallLoaded(Message):
    hall: Hall
    queues: QueuesResponse | None = None


@dataclass
class SignedOn(Message):
    window: Window


@dataclass
class ActionDone(Message):
    """A counter action answered: the ticket or window as it now stands (None: nothing waited)."""

    action: str
    result: Ticket | Window | None


@dataclass
class CounterData(Message):
    """What a re-fetch read; None for what it did not read."""

    window: Window | None
    queues: QueuesResponse | None
    held: list[Ticket] | None
    asked: int = 0  # how many action answers the App had applied when it asked


@dataclass
class ConnectionChanged(Message):
    state: str


@dataclass
class HallEvent(Message):
    event: Event


@dataclass
class TokenSaved(Message):
    saved: bool
    detail: str = ""


@dataclass
class TokenLoaded(Message):
    """The token store answered (thread worker): a cached sign-in, and its notice if in memory."""

    cached: CachedToken | None
    note: str | None
