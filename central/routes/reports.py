"""Day and month reports (日报 / 月报) for supervisors and scheduled jobs."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Path, Query

from central import report_cases, report_today
from central.context import Actor
from central.deps import get_store, require_roles
from central.errors import AUTHED, Invalid
from central.hall_time import service_day
from central.reports import period, report
from central.store import Store
from client.report_models import CasePage, Report, ReportKind

router = APIRouter(prefix="/v1", tags=["reports"])
_supervisors = require_roles("supervisor", "admin")


def _wanted(store: Store, day: date | None) -> date:
    wanted = day or service_day(store.now())
    if abs((wanted - service_day(store.now())).days) > 3660:
        raise Invalid(
            "Ask for a report within ten years of today.",
            fields={"date": "out of range"},
            reason="report_date_out_of_range",
        )
    return wanted


def _limit() -> Any:
    """A fresh Query each time: FastAPI names the parameter on the object it is given."""
    return Query(
        default=report_cases.DEFAULT_PAGE,
        ge=1,
        le=report_cases.MOST_PAGE,
        description="items per page of the cases per item",
    )


@router.get("/reports/{kind}", response_model=Report, responses=AUTHED)
def get_report(
    kind: ReportKind = Path(description="day or month"),
    day: date | None = Query(default=None, alias="date", description="a day of the period"),
    cases_limit: int = _limit(),
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
) -> Report:
    """The report of the day (or month) holding `date` (default: today), with the first page
    of its cases per item (most cases first; the rest from …/cases)."""
    wanted = _wanted(store, day)
    with store.read() as conn:
        return report(
            conn, kind, wanted, store.now(), report_today.memo_of(store), cases_limit=cases_limit
        )


@router.get("/reports/{kind}/cases", response_model=CasePage, responses=AUTHED)
def get_report_cases(
    kind: ReportKind = Path(description="day or month"),
    day: date | None = Query(default=None, alias="date", description="a day of the period"),
    after: str | None = Query(
        default=None, max_length=1000, description="the `next` bookmark of the page before"
    ),
    limit: int = _limit(),
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
) -> CasePage:
    """A page of the report's cases per item, by keyset: the items after `after`."""
    first, last = period(kind, _wanted(store, day))
    with store.read() as conn:
        return report_cases.case_page(conn, first, last, after, limit)
