"""Wire models of the supervisor's console: the hall board, alerts and interventions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from client.models import PauseReason, Ticket, WindowQueue, WindowStatus, Wire

AlertKind = Literal[
    "wait_over",
    "paused_long",
    "queue_over",
    "idle_waiting",
    "bad_rating",
    "escalation_due_soon",
    "escalation_overdue",
]
AlertSubject = Literal["ticket", "window", "queue", "rating", "escalation"]


class BoardWindow(Wire):
    no: int
    name: str
    general: bool
    queues: list[WindowQueue]
    status: WindowStatus
    staff_no: str | None = None
    staff_name: str | None = None
    pause_reason: PauseReason | None = None
    paused_since: datetime | None = Field(default=None, description="when the pause began")
    current_ticket: Ticket | None = None
    current_since: datetime | None = Field(
        default=None, description="when the current ticket was called or started"
    )
    served_today: int = 0
    avg_handling_s: int | None = Field(default=None, description="mean start→finish today")
    rated_today: int = Field(default=0, description="citizens' ratings today (no defaults)")
    satisfaction: float | None = Field(
        default=None, description="满意率 today: levels 5, 4, 3 over rated; None when unrated"
    )


class BoardQueue(Wire):
    prefix: str
    name: str
    waiting: int
    longest_wait_s: int
    avg_wait_s: int | None = Field(default=None, description="mean issue→call today")
    issued_today: int
    served_today: int
    no_shows_today: int
    warn_level: int = Field(description="waiting above this raises a queue_over alert")


class Board(Wire):
    as_of: datetime
    hall_name: str
    windows: list[BoardWindow]
    queues: list[BoardQueue]
    open_alerts: int


class Alert(Wire):
    id: int
    kind: AlertKind
    subject_type: AlertSubject
    subject_id: str = Field(
        description="ticket id, window no, queue prefix, rating id or ledger no"
    )
    params: dict[str, str | int] = Field(description="figures the terminal words the alert with")
    raised_at: datetime
    acked_at: datetime | None = None
    acked_by: str | None = None


class AlertList(Wire):
    alerts: list[Alert]


class WindowQueuesRequest(Wire):
    """Which queues a window serves, priority 1 first; for the rest of today or for good."""

    queues: list[WindowQueue] = Field(min_length=1, max_length=50)
    for_good: bool = Field(
        default=False, description="false: only today (tomorrow the window serves its usual set)"
    )


class MoveRequest(Wire):
    """A waiting ticket moves: exactly one of queue or window_no."""

    queue: str | None = Field(default=None, max_length=4)
    window_no: int | None = Field(default=None, ge=0, le=2**31 - 1)


class Callback(Wire):
    """One finished service drawn for a 回访 call, and what the call found."""

    id: int
    service_day: date
    ticket_id: int
    ticket_number: str
    case_no: str | None = None
    staff_no: str | None = None
    window_no: int | None = None
    applicant_name: str
    phone: str
    reached: bool | None = Field(default=None, description="None: not called yet")
    satisfied: bool | None = None
    note: str = ""
    recorded_at: datetime | None = None
    recorded_by: str | None = None
    rectify_due: date | None = Field(default=None, description="set when a rectification opened")
    rectification: str | None = None
    rectified_at: datetime | None = None


class CallbackDay(Wire):
    service_day: date
    finished: int = Field(description="services finished that day")
    with_phone: int = Field(description="…of which the citizen left a phone number")
    drawn: int
    recorded: int = Field(description="callbacks whose outcome is recorded")
    reached: int
    satisfied: int
    dissatisfied: int
    rate: float | None = Field(description="recorded callbacks over finished services")
    callbacks: list[Callback]


class CallbackRecord(Wire):
    reached: bool
    satisfied: bool | None = Field(default=None, description="only when reached")
    note: str = Field(default="", max_length=500)
    open_rectification: bool = Field(
        default=False, description="a dissatisfied citizen: open a rectification like a 差评"
    )


class CallbackRectify(Wire):
    note: str = Field(min_length=1, max_length=1000)
