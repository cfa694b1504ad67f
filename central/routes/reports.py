"""Day and month reports (日报 / 月报) for supervisors and scheduled jobs."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Path, Query

from central import report_today
from central.context import Actor
from central.deps import get_store, require_roles
from central.errors import AUTHED, Invalid
from central.hall_time import service_day
from central.reports import report
from central.store import Store
from client.report_models import Report, ReportKind

router = APIRouter(prefix="/v1", tags=["reports"])
_supervisors = require_roles("supervisor", "admin")


@router.get("/reports/{kind}", response_model=Report, responses=AUTHED)
def get_report(
    kind: ReportKind = Path(description="day or month"),
    day: date | None = Query(default=None, alias="date", description="a day of the period"),
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
) -> Report:
    """The report of the day (or month) holding `date` (default: today)."""
    now = store.now()
    wanted = day or service_day(now)
    if abs((wanted - service_day(now)).days) > 3660:
        raise Invalid(
            "Ask for a report within ten years of today.",
            fields={"date": "out of range"},
            reason="report_date_out_of_range",
        )
    with store.read() as conn:
        return report(conn, kind, wanted, now, report_today.memo_of(store))
