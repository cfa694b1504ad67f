"""Ratings (好差评): the rating pad posts; clerks read their own; supervisors the hall's.

    POST /v1/ratings                      rating pad: one rating per service (409 on a second)
    GET  /v1/ratings/tally                tally by day / week / month, of one clerk, window,
                                          department or the hall, with change vs the period before
    GET  /v1/ratings/table                supervisor: one tally row per clerk / window / department
    GET  /v1/ratings                      ratings, newest first (bad=true: the 差评 queue)
    GET  /v1/ratings/{id}
    POST /v1/ratings/{id}/explain         the clerk who served, once
    POST /v1/ratings/{id}/verify          supervisor: 属实 / 不属实 / 误评 (+ rectification days)
    POST /v1/ratings/{id}/rectify         supervisor: the rectification of an upheld 差评

A clerk asking for anyone else's ratings, or for a window's or a department's, gets 403.
Reads never write: defaults due at the end of the rating period are stored by the periodic
job (central.housekeeping), and tallies read the daily roll-ups (central.rollups).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from central import paging, rating_lists
from central import ratings as rating
from central import tally as tallies
from central.context import Ctx
from central.deps import CurrentActor, Idempotent, Reference, StoreDep
from central.errors import ACTION, AUTHED, AUTHED_404, Conflict, Forbidden, Invalid, require_text
from central.hall_time import service_day
from central.params import Day
from central.store import Store
from client.rating_models import (
    OPEN_STATES,
    ExplainRequest,
    Rating,
    RatingRequest,
    RatingTable,
    RatingTally,
    RectifyRequest,
    ReviewState,
    TableGroup,
    TallyBy,
    VerifyRequest,
)

router = APIRouter(prefix="/v1", tags=["ratings"])

RatingId = Path(ge=1, lt=2**63, description="the rating's id")
StaffParam = Query(
    default=None,
    alias="staff",
    max_length=32,
    description="'me' or a staff number (clerks: only their own)",
)
FromParam = Query(default=None, alias="from", description="first hall-local day (default today)")
ToParam = Query(default=None, alias="to", description="last hall-local day, inclusive")


# Tallies compare with the period before and bucket by week and month: far-off dates would
# step outside what a date can hold. No hall has ratings outside these years.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)


def _range(store: Store, start: date | None, end: date | None) -> tuple[date, date, date]:
    today = service_day(store.now())
    for name, day in (("from", start), ("to", end)):
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise Invalid(
                f"Ask for days between {EARLIEST_DAY} and {LATEST_DAY}.",
                fields={name: "out of range"},
                reason="ask_days_between",
                params={"earliest": EARLIEST_DAY, "latest": LATEST_DAY},
            )
    first = start or end or today
    last = end or (today if start is None or start <= today else start)
    if last < first:
        raise Invalid(
            "The range ends before it starts.",
            fields={"to": "before from"},
            reason="range_ends_before_starts",
        )
    if (last - first).days >= tallies.MAX_RANGE_DAYS:
        raise Invalid(
            f"Ask for at most {tallies.MAX_RANGE_DAYS} days at once.",
            fields={"to": "too far"},
            reason="ask_most_days_once",
            params={"days": tallies.MAX_RANGE_DAYS},
        )
    return first, last, today


@router.post("/ratings", response_model=Rating, status_code=201, responses=ACTION)
def post_rating(body: RatingRequest, act: Idempotent, store: StoreDep) -> Response:
    """The rating pad's rating of a finished service. 409 when the service has a rating
    already (一次一评) or its rating period has ended; 403 for anyone but a rating pad."""

    def rate(conn: Connection, ctx: Ctx) -> Rating:
        return rating.post_rating(conn, ctx, store.settings, body)

    try:
        return act(body, rate, status=201)
    except IntegrityError:
        # Two posts raced past the check (several server processes): UNIQUE(ticket_id) decides.
        raise Conflict(
            f"Ticket {body.ticket_id} has been rated already (一次一评).",
            reason="ticket_rated_already_by_id",
            params={"ticket_id": body.ticket_id},
        ) from None


@router.get("/ratings/tally", response_model=RatingTally, responses=AUTHED)
def get_tally(
    actor: CurrentActor,
    store: StoreDep,
    staff_no: str | None = StaffParam,
    window: int | None = Query(default=None, ge=0, le=2**31 - 1, description="supervisors"),
    department: str | None = Query(default=None, max_length=32, description="supervisors"),
    start: Day | None = FromParam,
    end: Day | None = ToParam,
    by: TallyBy = Query(default="day"),
) -> RatingTally:
    """Figures for the range and per bucket; a clerk gets their own (staff=me) only."""
    if staff_no is not None:
        require_text("staff", staff_no)
    if department is not None:
        require_text("department", department)
    if not actor.is_supervisor and (window is not None or department is not None):
        raise Forbidden(
            "A clerk reads only their own tally, not a window's or a department's.",
            reason="clerk_reads_their_own_tally",
        )
    allowed = rating_lists.readable_staff(actor, staff_no)
    first, last, today = _range(store, start, end)
    scope = tallies.Scope(staff_no=allowed, window_no=window, department=department)
    with store.read() as conn:
        return tallies.tally(conn, scope, first, last, by, today)


@router.get("/ratings/table", response_model=RatingTable, responses=AUTHED)
def get_table(
    actor: CurrentActor,
    store: StoreDep,
    group: TableGroup = Query(default="staff"),
    start: Day | None = FromParam,
    end: Day | None = ToParam,
) -> RatingTable:
    """Supervisors: one row of figures per clerk (or window, or department) over the range."""
    rating.require_supervisor(actor)
    first, last, today = _range(store, start, end)
    with store.read() as conn:
        return tallies.table(conn, group, first, last, today)


@router.get("/ratings", response_model=list[Rating], responses=AUTHED)
def get_ratings(
    response: Response,
    actor: CurrentActor,
    store: StoreDep,
    staff_no: str | None = StaffParam,
    bad: bool | None = Query(default=None, description="true: 差评 only; false: no 差评"),
    state: list[ReviewState] | None = Query(default=None, description="差评 review states"),
    open_only: bool = Query(default=False, alias="open", description="差评 pending or upheld"),
    start: Day | None = FromParam,
    end: Day | None = ToParam,
    after: int | None = Query(
        default=None, ge=1, le=2**63 - 1, description="the X-Next-After of the page before"
    ),
    limit: int = Query(default=50, ge=1, le=rating_lists.LIST_LIMIT),
) -> list[Rating]:
    """Newest first, one page (`limit`, default 50) older than rating `after`; the 差评 queue
    (bad=true or a state) lists pending ones first. Headers X-Total-Count and X-Next-After
    (central.paging)."""
    if staff_no is not None:
        require_text("staff", staff_no)
    allowed = rating_lists.readable_staff(actor, staff_no)
    states: tuple[str, ...] = tuple(state or ())
    if open_only:
        states = tuple(s for s in OPEN_STATES if not states or s in states)
    filters: dict[str, Any] = {
        "staff_no": allowed,
        "bad": bad,
        "states": states,
        "start": start,
        "end": end,
    }
    with store.read() as conn:
        found = rating_lists.list_ratings(conn, store.now(), **filters, after=after, limit=limit)
        total, exact = rating_lists.count_ratings(conn, **filters)
    keyset = not (bad or states)
    paging.headers(response, total, exact, found[-1].id if keyset and len(found) == limit else None)
    return found


@router.get("/ratings/{rating_id}", response_model=Rating, responses=AUTHED_404)
def get_rating(actor: CurrentActor, store: StoreDep, rating_id: int = RatingId) -> Rating:
    with store.read() as conn:
        return rating_lists.get_rating(conn, actor, rating_id, store.now())


@router.post("/ratings/{rating_id}/explain", response_model=Rating, responses=ACTION)
def explain(body: ExplainRequest, act: Idempotent, rating_id: int = RatingId) -> Response:
    """The served clerk's explanation of a 差评 (once, while it is pending or upheld)."""
    return act(body, lambda conn, ctx: rating.explain(conn, ctx, rating_id, body))


@router.post("/ratings/{rating_id}/verify", response_model=Rating, responses=ACTION)
def verify(
    body: VerifyRequest, act: Idempotent, store: StoreDep, ref: Reference, rating_id: int = RatingId
) -> Response:
    """Supervisor's 核实 of a pending 差评; 属实 sets a rectification due in working days."""
    return act(
        body,
        lambda conn, ctx: rating.verify(conn, ctx, store.settings, ref.calendar, rating_id, body),
    )


@router.post("/ratings/{rating_id}/rectify", response_model=Rating, responses=ACTION)
def rectify(body: RectifyRequest, act: Idempotent, rating_id: int = RatingId) -> Response:
    """Supervisor records the rectification (整改) of an upheld 差评."""
    return act(body, lambda conn, ctx: rating.rectify(conn, ctx, rating_id, body))
