"""Wire models of the hall's touch devices: the ticket kiosk (取号机) and the rating pad (评价器).

The kiosk reads its queues (waiting, daily cap reached?), issues tickets through
`POST /v1/tickets`, prints a slip, and checks appointments in; the pad reads its window and the
service waiting for a rating, and posts the rating through `POST /v1/ratings`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, model_validator

from client.models import TicketKind, Wire
from client.rating_models import RatingReason


class KioskQueue(Wire):
    prefix: str
    name: str
    waiting: int
    issued_today: int
    daily_cap: int
    full: bool = Field(description="the daily cap is reached: the kiosk issues nothing here")
    bring: str | None = Field(default=None, description="what to bring, from the hall file")


class KioskView(Wire):
    hall: str
    queues: list[KioskQueue]


class TicketSlip(Wire):
    """What the kiosk prints: number, queue, people waiting ahead, time issued, what to bring."""

    ticket_id: int
    number: str
    queue: str
    queue_name: str
    kind: TicketKind
    ahead: int = Field(description="tickets of the same queue waiting ahead of this one")
    issued_at: datetime
    appointment_at: datetime | None = None
    bring: str | None = None
    hall: str


class AppointmentRequest(Wire):
    """A booking (from the hall's booking system or a supervisor): a queue and a time slot."""

    queue: str = Field(min_length=1, max_length=4)
    slot_start: datetime
    slot_end: datetime
    phone: str = Field(pattern=r"^1[3-9]\d{9}$", description="mainland mobile, for check-in")
    name: str = Field(default="", max_length=50)

    @model_validator(mode="after")
    def _slot_order(self) -> AppointmentRequest:
        if self.slot_end <= self.slot_start:
            raise ValueError("the slot must end after it starts")
        return self


class Appointment(Wire):
    id: int
    code: str = Field(description="the booking code the citizen types at the kiosk")
    queue: str
    slot_start: datetime
    slot_end: datetime
    phone_tail: str = Field(description="the last four digits of the phone number")
    name: str = ""
    ticket_id: int | None = Field(default=None, description="set once checked in")
    checked_in_at: datetime | None = None


class CheckInRequest(Wire):
    """At the kiosk: the booking code, or the phone number the appointment was booked with."""

    code: str | None = Field(default=None, min_length=1, max_length=12)
    phone: str | None = Field(default=None, pattern=r"^1[3-9]\d{9}$")

    @model_validator(mode="after")
    def _one_of(self) -> CheckInRequest:
        if (self.code is None) == (self.phone is None):
            raise ValueError("give the booking code or the phone number")
        return self


class PadService(Wire):
    """A finished service at the pad's window waiting for the citizen's rating."""

    ticket_id: int
    number: str
    finished_at: datetime


class PadView(Wire):
    window_no: int = Field(description="the window shown: its latest call's, else the first")
    windows: list[int] = Field(description="every window this pad rates")
    window_name: str
    clerk_name: str | None = Field(default=None, description="who is signed on at the window")
    clerk_no: str | None = None
    service: PadService | None = Field(default=None, description="None: idle")
    bad_reasons: list[RatingReason]
