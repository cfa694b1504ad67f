"""Ratings read (好差评): one rating, the pages of a clerk's or the hall's ratings, the 差评
queue, and who may read which. A clerk reads only their own ratings; a supervisor the hall's.
Reads never write: the default ratings are stored by the periodic sweep (central.rating_defaults).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, or_, select, text

from central import paging
from central.context import Actor
from central.errors import Forbidden, NotFound
from central.hall_time import service_day
from central.schema import staff
from central.schema_ratings import ratings
from client.rating_models import BadReview, Rating, ReviewState

MAX_ID = 2**63 - 1
LIST_LIMIT = 1000


def readable_staff(actor: Actor, staff_no: str | None) -> str | None:
    """The staff number a read is limited to: a clerk reads only their own ratings (403
    otherwise); a supervisor or admin reads the hall's (None: everyone); devices read none."""
    wanted = actor.staff_no if staff_no == "me" else staff_no
    if actor.is_supervisor:
        return wanted
    if actor.role != "clerk":
        raise Forbidden(
            "Ratings are read by clerks (their own) and supervisors.",
            reason="ratings_read_by_clerks_their",
        )
    if wanted not in (None, actor.staff_no):
        raise Forbidden(
            "A clerk reads only their own ratings.", reason="clerk_reads_their_own_ratings"
        )
    return actor.staff_no


# --- rows → wire ------------------------------------------------------------------------------

_verifier = staff.alias("verifier")
_clerk = staff.alias("clerk")


def _select() -> Any:
    return select(
        ratings, _clerk.c.name.label("staff_name"), _verifier.c.name.label("verifier_name")
    ).select_from(
        ratings.outerjoin(_clerk, _clerk.c.staff_no == ratings.c.staff_no).outerjoin(
            _verifier, _verifier.c.staff_no == ratings.c.verified_by
        )
    )


def _review(row: Any, today: date) -> BadReview | None:
    if row.review_state is None:
        return None
    state: ReviewState = row.review_state
    return BadReview(
        state=state,
        explanation=row.explanation,
        explained_at=row.explained_at,
        explained_by=row.explained_by,
        verdict=row.verdict,
        verify_note=row.verify_note,
        verified_at=row.verified_at,
        verified_by=row.verified_by,
        verified_by_name=row.verifier_name,
        rectify_days=row.rectify_days,
        rectify_due=row.rectify_due,
        rectification=row.rectification,
        rectified_at=row.rectified_at,
        rectified_by=row.rectified_by,
        overdue=state == "upheld" and row.rectify_due is not None and row.rectify_due < today,
    )


def rating_model(row: Any, now: datetime) -> Rating:
    return Rating(
        id=row.id,
        ticket_id=row.ticket_id,
        ticket_number=row.ticket_number,
        case_no=row.case_no,
        service_day=row.service_day,
        finished_at=row.finished_at,
        staff_no=row.staff_no,
        staff_name=row.staff_name,
        window_no=row.window_no,
        department=row.department_code,
        level=row.level,
        reasons=list(row.reasons or []),
        comment=row.comment or "",
        channel=row.channel,
        is_default=bool(row.is_default),
        rated_at=row.rated_at,
        bad=row.level <= 2 and not row.is_default,
        review=_review(row, service_day(now)),
    )


def find_rating(conn: Connection, rating_id: int) -> Any:
    row = None
    if 0 < rating_id <= MAX_ID:
        row = conn.execute(_select().where(ratings.c.id == rating_id)).first()
    if row is None:
        raise NotFound(
            f"There is no rating {rating_id}.", reason="no_rating", params={"rating_id": rating_id}
        )
    return row


# --- pages --------------------------------------------------------------------------------------


def get_rating(conn: Connection, actor: Actor, rating_id: int, now: datetime) -> Rating:
    row = find_rating(conn, rating_id)
    allowed = readable_staff(actor, None)
    if allowed is not None and row.staff_no != allowed:
        raise Forbidden(
            "A clerk reads only their own ratings.", reason="clerk_reads_their_own_ratings"
        )
    return rating_model(row, now)


# The citizens' 差评 (not a default's level), in the very terms of the partial index
# ix_ratings_bad (schema_ratings.BAD): only then does SQLite read the ~1,700 of a year through
# it instead of every rating.
_BAD = text("ratings.level <= 2 AND ratings.is_default = false")


def _list_query(
    staff_no: str | None,
    bad: bool | None,
    states: tuple[str, ...],
    start: date | None,
    end: date | None,
    query: Any = None,
) -> Any:
    query = _select() if query is None else query
    if staff_no is not None:
        query = query.where(ratings.c.staff_no == staff_no)
    if bad is True:
        query = query.where(_BAD)
    elif bad is False:
        query = query.where(ratings.c.level > 2)
    if states:
        query = query.where(ratings.c.review_state.in_(states))
    if start is not None:
        query = query.where(ratings.c.service_day >= start)
    if end is not None:
        query = query.where(ratings.c.service_day <= end)
    return query


def list_ratings(
    conn: Connection,
    now: datetime,
    *,
    staff_no: str | None,
    bad: bool | None = None,
    states: tuple[str, ...] = (),
    start: date | None = None,
    end: date | None = None,
    after: int | None = None,
    limit: int = LIST_LIMIT,
) -> list[Rating]:
    """Newest first, older than rating `after` (keyset); with `bad`/`states` (the 差评
    queue, a short list): pending first, then by due date, `after` not used.

    The page's ids are found first, from the columns an index holds (a range of days: its
    ~200,000 ratings of a month by ix_ratings_day_rated, not their rows), then only the
    page's rows are read."""
    if bad or states:
        pending_first = case((ratings.c.review_state == "pending", 0), else_=1)
        order: list[Any] = [pending_first, ratings.c.rectify_due, ratings.c.rated_at.desc()]
    else:
        order = [ratings.c.rated_at.desc(), ratings.c.id.desc()]
    ids = _list_query(staff_no, bad, states, start, end, select(ratings.c.id)).order_by(*order)
    if not (bad or states) and after is not None:
        mark = select(ratings.c.rated_at).where(ratings.c.id == after).scalar_subquery()
        ids = ids.where(
            or_(ratings.c.rated_at < mark, and_(ratings.c.rated_at == mark, ratings.c.id < after))
        )
    page = list(conn.execute(ids.limit(limit)).scalars())
    if not page:
        return []
    rows = {row.id: row for row in conn.execute(_select().where(ratings.c.id.in_(page)))}
    return [rating_model(rows[i], now) for i in page]


def count_ratings(
    conn: Connection,
    *,
    staff_no: str | None,
    bad: bool | None = None,
    states: tuple[str, ...] = (),
    start: date | None = None,
    end: date | None = None,
) -> tuple[int, bool]:
    """How many the list matches in all (capped, see central.paging)."""
    query = _list_query(staff_no, bad, states, start, end, select(ratings.c.id))
    return paging.capped_count(conn, query)
