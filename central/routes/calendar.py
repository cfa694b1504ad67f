"""Working-day arithmetic on China's official calendar: `GET /v1/calendar/due`.

The calendar (see central.reference.load_reference) is the `chinese_calendar` package's
years plus the holiday files in central/seed/holidays and `Settings.holidays_dir`; a year
with neither is assumed Monday–Friday and the answer says `guessed`, naming the years.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from central.deps import CurrentActor, Reference
from central.errors import AUTHED, Invalid
from central.params import Day
from client.case_models import DueDateAnswer

router = APIRouter(prefix="/v1", tags=["calendar"])


@router.get("/calendar/due", response_model=DueDateAnswer, responses=AUTHED)
def due(
    _actor: CurrentActor,
    ref: Reference,
    start: Annotated[Day, Query(alias="from", description="the day of acceptance, YYYY-MM-DD")],
    working_days: int = Query(ge=0, le=3660, description="承诺时限 in working days"),
) -> DueDateAnswer:
    """The working day `working_days` after `from` (the day of acceptance is not counted)."""
    try:
        found = ref.calendar.add_working_days(start, working_days)
    except (ValueError, OverflowError):
        raise Invalid(
            "That date lies too near the end of the calendar to count from.",
            fields={"from": "out of range"},
            reason="date_lies_too_near_end",
        ) from None
    return DueDateAnswer(
        start=start,
        working_days=working_days,
        due=found.date,
        guessed=found.guessed,
        guessed_years=list(found.guessed_years),
    )
