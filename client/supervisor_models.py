"""Wire models of the supervisor's console: the hall board, alerts and interventions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from client.models import PauseReason, Ticket, WindowQueue, WindowStatus, Wire
from client.rating_models import BadReview

AlertKind = Literal[
    "wait_over",
    "paused_long",
    "queue_over",
    "idle_waiting",
    "bad_rating",
    "bad_callback",
    "escalation_due_soon",
    "escalation_overdue",
]
AlertSubject = Literal["ticket", "window", "queue", "rating", "callback", "escalation"]
# Where a callback's number came from: the case taken at the service, an earlier case of the
# same applicant (same ID number), or the appointment the citizen booked.
PhoneSource = Literal["case", "applicant", "appointment"]
# Why a finished service cannot be called back: no case was taken there and no appointment
# was booked (nobody's number is on record), or the applicant left no mobile, on this case
# or any earlier one.
NotCallable = Literal["no_case", "no_mobile"]


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
    staff_name: str | None = Field(default=None, description="the clerk who served")
    window_no: int | None = None
    applicant_name: str
    phone: str
    phone_source: PhoneSource | None = None
    reached: bool | None = Field(default=None, description="None: not called yet")
    satisfied: bool | None = None
    note: str = ""
    recorded_at: datetime | None = None
    recorded_by: str | None = None
    rectify_due: date | None = Field(default=None, description="set once upheld (属实)")
    rectification: str | None = None
    rectified_at: datetime | None = None
    review: BadReview | None = Field(
        default=None,
        description="a dissatisfied callback's 差评 loop (verify → rectify), in the 差评 queue",
    )


class CallbackDay(Wire):
    service_day: date
    finished: int = Field(description="services finished that day")
    with_phone: int = Field(description="…of which a number is known (callable)")
    wanted: int = Field(default=0, description="⌈10 % × finished⌉: the sample the day needs")
    not_callable: dict[NotCallable, int] = Field(
        default_factory=dict, description="finished services no number is known for, by reason"
    )
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
        default=False,
        description="a dissatisfied citizen: put it in the 差评 queue to verify and rectify",
    )


class CallbackRectify(Wire):
    note: str = Field(min_length=1, max_length=1000)
