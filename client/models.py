"""The wire format of the central API, defined once.

The server (central/) imports these models for its request and response bodies, so the
OpenAPI document at /openapi.json and the terminal's client agree by construction.
Keep this module light: it is on the terminal's start-up path (pydantic only).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from client.wire_words import EventType as EventType
from client.wire_words import PauseReason as PauseReason
from client.wire_words import Role as Role
from client.wire_words import TicketKind as TicketKind
from client.wire_words import TicketStatus as TicketStatus
from client.wire_words import WindowStatus as WindowStatus


class Wire(BaseModel):
    """Base for every wire model: unknown fields from a newer server are ignored.

    Each model's validator is built on its first use, not when the module is imported: the
    terminal's start pays only for the few models its first screens read (the central builds
    them all when it registers its routes)."""

    model_config = ConfigDict(extra="ignore", defer_build=True)


# --- errors ---------------------------------------------------------------------------------


class ErrorBody(Wire):
    code: str = Field(description="machine-readable code, e.g. 'conflict', 'invalid'")
    message: str = Field(description="one plain sentence saying what happened and what to do")
    fields: dict[str, str] = Field(default_factory=dict, description="field name → message")
    reason: str | None = Field(
        default=None,
        description="names this refusal (e.g. 'window_signed_off'), so a client can say it in "
        "its user's language; `message` is the English sentence",
    )
    params: dict[str, str] = Field(
        default_factory=dict, description="the values `message` was filled with, by name"
    )


class ErrorResponse(Wire):
    error: ErrorBody


# --- auth -----------------------------------------------------------------------------------


class Staff(Wire):
    staff_no: str
    name: str
    role: Role
    department: str | None = None
    usual_window: int | None = Field(
        default=None, description="the window this person usually works at (sign-on starts there)"
    )


class LoginRequest(Wire):
    staff_no: str = Field(min_length=1, max_length=32)
    password: str = Field(min_length=1, max_length=256)


class LoginResponse(Wire):
    token: str
    expires_at: datetime
    staff: Staff


# --- hall -----------------------------------------------------------------------------------


class Department(Wire):
    code: str
    name: str


class QueueInfo(Wire):
    prefix: str = Field(description="the queue's letter: tickets are numbered A001, A002 …")
    name: str
    department: str | None = None
    daily_cap: int


class WindowQueue(Wire):
    prefix: str
    priority: int = Field(description="1 is served first among the window's queues")


class Window(Wire):
    no: int
    name: str
    general: bool = Field(description="a general window (综合窗口) that takes any item")
    queues: list[WindowQueue]
    status: WindowStatus
    staff_no: str | None = None
    staff_name: str | None = None
    pause_reason: PauseReason | None = None
    pause_note: str | None = Field(
        default=None, description="what the clerk said when pausing for another reason"
    )
    current_ticket: Ticket | None = None
    served_today: int = 0
    held: list[Ticket] | None = Field(
        default=None,
        description="tickets held (挂起) at this window, oldest first; a terminal started "
        "again lists them from here",
    )


class Hall(Wire):
    code: str
    name: str
    departments: list[Department]
    queues: list[QueueInfo]
    windows: list[Window]
    event_id: int | None = Field(
        default=None,
        description="the newest hall event this answer reflects (read before the rest): a "
        "client that streams events after it (Last-Event-ID) misses no change",
    )


class QueueStats(Wire):
    prefix: str
    name: str
    waiting: int
    longest_wait_s: int = Field(description="seconds the oldest waiting ticket has waited")
    issued_today: int
    served_today: int


class QueuesResponse(Wire):
    as_of: datetime
    queues: list[QueueStats]
    event_id: int | None = Field(
        default=None,
        description="GET /v1/queues: the newest hall event these figures reflect (see Hall)",
    )


# --- tickets --------------------------------------------------------------------------------


class Ticket(Wire):
    id: int
    number: str = Field(description="prefix letter + daily sequence, e.g. A012")
    queue: str = Field(description="the prefix of the queue the ticket now waits in")
    kind: TicketKind
    status: TicketStatus
    issued_at: datetime
    appointment_at: datetime | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    window_no: int | None = Field(default=None, description="the window that called it")
    target_window: int | None = Field(
        default=None, description="after a transfer to a window: only that window may call it"
    )
    staff_no: str | None = None
    recall_count: int = 0
    transferred_from: str | None = Field(default=None, description="queue prefix before transfer")


class AtWindow(Wire):
    """What the counter screen shows after an action at a window, so one key costs one request."""

    window: Window = Field(description="the window as GET /v1/windows/{no} shows it now")
    queues: QueuesResponse = Field(description="the hall's queue figures as GET /v1/queues")
    event_id: int = Field(
        description="the last hall event this answer already reflects: a client that applied "
        "it need not re-fetch for events up to this id"
    )


class TicketAnswer(Ticket):
    """A ticket action's answer: the ticket, and the window it was acted on as it now stands."""

    at_window: AtWindow | None = Field(
        default=None, description="absent when the ticket was at no window (e.g. cancel)"
    )


class IssueTicketRequest(Wire):
    queue: str = Field(min_length=1, max_length=4)
    kind: TicketKind = "walk_in"
    appointment_at: datetime | None = Field(
        default=None, description="required for kind=appointment: the start of its time slot"
    )


class TransferRequest(Wire):
    """Exactly one of queue or window_no."""

    queue: str | None = None
    window_no: int | None = None


class CallTicketRequest(Wire):
    """Exactly one of ticket_id or number (today's number, e.g. A012)."""

    ticket_id: int | None = Field(default=None, ge=1, lt=2**63)
    number: str | None = Field(default=None, min_length=1, max_length=16)
    reason: str = Field(
        default="", max_length=200, description="why out of call order; kept in the audit trail"
    )


class PauseRequest(Wire):
    reason: PauseReason
    note: str = Field(default="", max_length=200)


# --- live events ----------------------------------------------------------------------------


class Event(Wire):
    """Events carry ids only; the client re-fetches what it shows."""

    id: int
    type: EventType
    hall: str
    at: datetime
    queue: str | None = None
    ticket_id: int | None = None
    window_no: int | None = None
    object_id: str | None = None


class EventsPage(Wire):
    """The polling fallback of /v1/events: events after `after`, oldest first."""

    events: list[Event]
    last_id: int


# --- audit ----------------------------------------------------------------------------------


class AuditRecord(Wire):
    id: int
    at: datetime
    actor: str | None
    role: str | None
    window_no: int | None
    source: str | None = Field(default=None, description="client address the change came from")
    action: str
    object_type: str
    object_id: str
    before: dict[str, object] | None = None
    after: dict[str, object] | None = None


Window.model_rebuild()
