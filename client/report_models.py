"""Wire models of the day and month reports (日报 / 月报)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from client.models import Wire

ReportKind = Literal["day", "month"]


class TimeFigures(Wire):
    """Seconds; None when nothing was measured."""

    wait_avg_s: int | None = None
    wait_p90_s: int | None = None
    handle_avg_s: int | None = None
    handle_p90_s: int | None = None


class QueueReport(TimeFigures):
    prefix: str
    name: str
    issued: int
    served: int
    no_show: int


class ClerkReport(TimeFigures):
    staff_no: str
    name: str
    served: int
    rated: int = 0
    satisfaction: float | None = None
    bad: int = 0


class CaseReport(Wire):
    department: str
    item_code: str
    item_name: str
    accept: int = 0
    tolerate: int = 0
    notice: int = 0
    refuse: int = 0


class CasePage(Wire):
    """Items by most cases; `next` is the bookmark of the next page (None: the last page)."""

    items: list[CaseReport]
    total: int = Field(description="items with cases in the period, all pages together")
    next: str | None = Field(default=None, description="pass as `after` for the next page")


class RatingReport(Wire):
    rated: int = Field(description="citizens' ratings (defaults apart)")
    defaults: int
    satisfied: int = Field(description="levels 5, 4 and 3")
    satisfaction: float | None = Field(description="满意率: satisfied over rated")
    bad: int = Field(description="差评: levels 2 and 1")
    pending: int
    upheld: int
    rectified: int


class EscalationReport(Wire):
    opened: int
    closed: int
    overdue: int = Field(description="open past their due date at the end of the period")


class CallbackReport(Wire):
    finished: int
    drawn: int
    recorded: int
    reached: int
    satisfied: int
    dissatisfied: int
    rate: float | None
    to_review: int = Field(default=0, description="dissatisfied callbacks sent to the 差评 queue")
    upheld: int = Field(default=0, description="…of which verified 属实 (rectified included)")
    rectified: int = 0


class DayPoint(Wire):
    day: date
    issued: int
    served: int
    satisfaction: float | None = None


class Report(Wire):
    kind: ReportKind
    first_day: date
    last_day: date
    queues: list[QueueReport]
    clerks: list[ClerkReport]
    cases: list[CaseReport] = Field(description="the first page of items, most cases first")
    cases_total: int = Field(default=0, description="items with cases, all pages together")
    cases_next: str | None = Field(
        default=None, description="bookmark of the next page (GET …/cases?after=); None: no more"
    )
    ratings: RatingReport
    escalations: EscalationReport
    callbacks: CallbackReport
    days: list[DayPoint] = Field(description="one point per day, for a trend line")
