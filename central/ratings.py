"""Ratings (好差评): a citizen rates a finished service once, a 差评 goes through its loop.

    post (rating pad) ──▶ rating; level 2/1 from a citizen opens the 差评 loop:
        pending ─verify 属实→ upheld ─rectify→ rectified
        pending ─verify 不属实 / 误评→ unfounded / mistaken (closed)
        the clerk may explain once while it is pending or upheld

One rating per service (一次一评) is the UNIQUE(ticket_id) of the ratings table; a second
post answers 409. Ratings are taken for `Settings.rating_window_days` after the service
finished. After that an unrated service gets the locality's default level
(`Settings.rating_default_level`, None = no default): `sweep_defaults` stores those rows,
flagged `is_default`, dated at the end of the rating period (not at the time of the sweep, so
the result does not depend on when it ran). The sweep runs in the server's
periodic job (central.housekeeping), in small batches, never a read request;
`rating_sweep.swept_until` keeps each batch to the services not yet swept.

Every operation runs in the caller's write transaction, with its audit row (and event).
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from central import audit, paging, rollups
from central.calendar import WorkCalendar
from central.context import Actor, Ctx, Happening, SystemCtx
from central.errors import Conflict, Forbidden, Invalid, NotFound, require_text
from central.events import emit
from central.hall_time import service_day
from central.schema import cases, staff, tickets, windows
from central.schema_ratings import rating_sweep, ratings
from central.settings import Settings
from central.store import Store
from client.rating_models import (
    REVIEW_STEPS,
    BadReview,
    ExplainRequest,
    Rating,
    RatingRequest,
    RectifyRequest,
    ReviewState,
    VerifyRequest,
)
from client.validators import is_blank

MAX_ID = 2**63 - 1
LIST_LIMIT = 1000

# --- who may do what --------------------------------------------------------------------------


def require_pad(actor: Actor) -> None:
    if actor.role != "device" or actor.device_kind != "pad":
        raise Forbidden("Only a rating pad posts ratings.", reason="rating_pad_posts_ratings")


def _require_own_window(
    conn: Connection, pad: Actor, window_no: int | None, number: str, channel: str
) -> None:
    """A rating pad rates the services of its own window(s) (the hall file binds it), and
    speaks for its own channel only: a 403 otherwise, nothing stored."""
    if channel != "pad":
        raise Forbidden(
            f"A rating pad posts ratings of the pad channel, not {channel}.",
            reason="pad_channel_only",
            params={"channel": channel},
        )
    bound = conn.execute(select(staff.c.pad_windows).where(staff.c.staff_no == pad.staff_no))
    windows_of_pad = bound.scalar()
    if windows_of_pad is not None and window_no not in windows_of_pad:
        shown = ", ".join(str(n) for n in windows_of_pad)
        raise Forbidden(
            f"This rating pad rates the services of window {shown}; ticket {number} was "
            f"served at window {window_no}.",
            reason="pad_other_window",
            params={"windows": shown, "number": number, "window_no": window_no},
        )


def require_supervisor(actor: Actor) -> None:
    if not actor.is_supervisor:
        raise Forbidden(
            "Only a supervisor verifies and follows up a 差评.",
            reason="supervisor_verifies_follows_up",
        )


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


def _row(conn: Connection, rating_id: int) -> Any:
    row = None
    if 0 < rating_id <= MAX_ID:
        row = conn.execute(_select().where(ratings.c.id == rating_id)).first()
    if row is None:
        raise NotFound(
            f"There is no rating {rating_id}.", reason="no_rating", params={"rating_id": rating_id}
        )
    return row


def _snapshot(row: Any) -> dict[str, Any]:
    keys = ("review_state", "explanation", "verdict", "verify_note", "rectify_due")
    data = {key: getattr(row, key) for key in keys}
    data["rectify_due"] = row.rectify_due.isoformat() if row.rectify_due else None
    data["rectification"] = row.rectification
    return data


# --- posting ----------------------------------------------------------------------------------


def rating_closes(finished_at: datetime, settings: Settings) -> datetime:
    return finished_at + timedelta(days=settings.rating_window_days)


def post_rating(conn: Connection, ctx: Ctx, settings: Settings, body: RatingRequest) -> Rating:
    actor = ctx.actor
    require_pad(actor)
    ticket = conn.execute(
        select(tickets, windows.c.department_code)
        .select_from(tickets.outerjoin(windows, windows.c.no == tickets.c.window_no))
        .where(tickets.c.id == body.ticket_id)
    ).first()
    if ticket is None:
        raise NotFound(
            f"There is no ticket {body.ticket_id}.",
            reason="no_ticket",
            params={"ticket_id": body.ticket_id},
        )
    if ticket.status != "done" or ticket.finished_at is None:
        raise Conflict(
            f"Ticket {ticket.number} is {ticket.status}; only a finished service can be rated.",
            reason="ticket_finished_service_can_rated",
            params={"number": ticket.number, "status": ticket.status},
        )
    _require_own_window(conn, actor, ticket.window_no, ticket.number, body.channel)
    closes = rating_closes(ticket.finished_at, settings)
    if ctx.now >= closes:
        raise Conflict(
            f"The rating period of ticket {ticket.number} ended on "
            f"{service_day(closes).isoformat()}; it can no longer be rated.",
            reason="rating_period_ticket_ended_can",
            params={"number": ticket.number, "date": service_day(closes).isoformat()},
        )
    taken = conn.execute(select(ratings.c.id).where(ratings.c.ticket_id == ticket.id)).scalar()
    if taken is not None:
        raise Conflict(
            f"Ticket {ticket.number} has been rated already (一次一评).",
            reason="ticket_rated_already",
            params={"number": ticket.number},
        )
    if body.case_no is not None:
        require_text("case_no", body.case_no)
        case_ticket = conn.execute(
            select(cases.c.ticket_id).where(cases.c.case_no == body.case_no)
        ).first()
        if case_ticket is None or case_ticket.ticket_id != ticket.id:
            raise Invalid(
                f"Case {body.case_no} was not taken at ticket {ticket.number}.",
                fields={"case_no": "not a case of this ticket"},
                reason="case_not_taken_ticket",
                params={"case_no": body.case_no, "number": ticket.number},
            )
    comment = require_text("comment", body.comment.strip())
    values: dict[str, Any] = {
        "ticket_id": ticket.id,
        "ticket_number": ticket.number,
        "case_no": body.case_no,
        "service_day": service_day(ticket.finished_at),
        "finished_at": ticket.finished_at,
        "staff_no": ticket.staff_no,
        "window_no": ticket.window_no,
        "department_code": ticket.department_code,
        "level": body.level,
        "reasons": list(dict.fromkeys(body.reasons)),
        "comment": comment,
        "channel": body.channel,
        "is_default": False,
        "rated_at": ctx.now,
        "rated_by": actor.staff_no,
        "review_state": "pending" if body.level <= 2 else None,
    }
    inserted = conn.execute(insert(ratings).values(**values)).inserted_primary_key
    assert inserted is not None
    rating_id = int(inserted[0])
    counts = {f"level_{body.level}": 1} | ({"pending": 1} if body.level <= 2 else {})
    rollups.bump(conn, ticket.service_day, ticket.staff_no, ticket.window_no, **counts)
    audit.record(
        conn,
        ctx,
        "rating.received",
        "rating",
        rating_id,
        before=None,
        after={
            "ticket": ticket.number,
            "level": body.level,
            "reasons": values["reasons"],
            "comment": comment,
            "channel": body.channel,
            "staff_no": ticket.staff_no,
        },
        window_no=ticket.window_no,
    )
    emit(
        conn,
        ctx,
        "rating.received",
        ticket_id=ticket.id,
        window_no=ticket.window_no,
        object_id=str(rating_id),
    )
    return rating_model(_row(conn, rating_id), ctx.now)


# --- reading ----------------------------------------------------------------------------------


def get_rating(conn: Connection, actor: Actor, rating_id: int, now: datetime) -> Rating:
    row = _row(conn, rating_id)
    allowed = readable_staff(actor, None)
    if allowed is not None and row.staff_no != allowed:
        raise Forbidden(
            "A clerk reads only their own ratings.", reason="clerk_reads_their_own_ratings"
        )
    return rating_model(row, now)


def _list_query(
    staff_no: str | None,
    bad: bool | None,
    states: tuple[str, ...],
    start: date | None,
    end: date | None,
) -> Any:
    query = _select()
    if staff_no is not None:
        query = query.where(ratings.c.staff_no == staff_no)
    if bad is True:
        query = query.where(ratings.c.level <= 2, ratings.c.is_default.is_(False))
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
    queue, a short list): pending first, then by due date, `after` not used."""
    query = _list_query(staff_no, bad, states, start, end)
    if bad or states:
        pending_first = case((ratings.c.review_state == "pending", 0), else_=1)
        query = query.order_by(pending_first, ratings.c.rectify_due, ratings.c.rated_at.desc())
    else:
        query = query.order_by(ratings.c.rated_at.desc(), ratings.c.id.desc())
        if after is not None:
            mark = select(ratings.c.rated_at).where(ratings.c.id == after).scalar_subquery()
            query = query.where(
                or_(
                    ratings.c.rated_at < mark,
                    and_(ratings.c.rated_at == mark, ratings.c.id < after),
                )
            )
    return [rating_model(row, now) for row in conn.execute(query.limit(limit)).all()]


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
    query = _list_query(staff_no, bad, states, start, end).with_only_columns(ratings.c.id)
    return paging.capped_count(conn, query)


# --- the 差评 loop ----------------------------------------------------------------------------


def _bad_row(conn: Connection, rating_id: int) -> Any:
    row = _row(conn, rating_id)
    if row.review_state is None:
        raise Conflict(
            f"Rating {rating_id} is not a 差评; there is nothing to review.",
            reason="rating_not_nothing_review",
            params={"rating_id": rating_id},
        )
    return row


def _change(
    conn: Connection, ctx: Ctx, action: str, row: Any, expect: tuple[str, ...], **values: Any
) -> Rating:
    """Compare-and-set on the review state, then the audit row and the fresh rating."""
    changed = conn.execute(
        update(ratings)
        .where(ratings.c.id == row.id, ratings.c.review_state.in_(expect))
        .values(**values)
    )
    if changed.rowcount != 1:
        raise Conflict(
            f"Rating {row.id} changed meanwhile; refresh and try again.",
            reason="rating_changed_meanwhile_refresh_try",
            params={"id": row.id},
        )
    fresh = _row(conn, row.id)
    counts = _review_counts(row.review_state, fresh.review_state)
    if counts:
        day = rollups.ticket_day(conn, row.ticket_id)
        rollups.bump(conn, day, row.staff_no, row.window_no, **counts)
    audit.record(
        conn,
        ctx,
        f"rating.{action}",
        "rating",
        row.id,
        before=_snapshot(row),
        after=_snapshot(fresh),
        window_no=row.window_no,
    )
    emit(
        conn,
        ctx,
        "rating.received",
        ticket_id=row.ticket_id,
        window_no=row.window_no,
        object_id=str(row.id),
    )
    return rating_model(fresh, ctx.now)


def _review_counts(before: str | None, after: str | None) -> dict[str, int]:
    """How a review step moves the roll-up's 差评 counts (pending / upheld / rectified)."""
    counts: dict[str, int] = {}
    for state, sign in ((before, -1), (after, 1)):
        if state == "pending":
            counts["pending"] = counts.get("pending", 0) + sign
        if state in ("upheld", "rectified"):
            counts["upheld"] = counts.get("upheld", 0) + sign
        if state == "rectified":
            counts["rectified"] = counts.get("rectified", 0) + sign
    return {name: n for name, n in counts.items() if n}


def explain(conn: Connection, ctx: Ctx, rating_id: int, body: ExplainRequest) -> Rating:
    """The clerk who served adds their explanation (情况说明), once, while the 差评 is open."""
    actor = ctx.actor
    row = _bad_row(conn, rating_id)
    if actor.staff_no != row.staff_no:
        raise Forbidden(
            "Only the clerk who served can explain a 差评.", reason="clerk_who_served_can_explain"
        )
    if row.explanation is not None:
        raise Conflict(
            f"Rating {rating_id} has been explained already; the record stays.",
            reason="rating_explained_already_record_stays",
            params={"rating_id": rating_id},
        )
    step = REVIEW_STEPS["explain"]
    if row.review_state not in step.start:
        raise Conflict(
            f"The 差评 {rating_id} is closed ({row.review_state}).",
            reason="bad_rating_closed",
            params={"rating_id": rating_id, "review_state": row.review_state},
        )
    text = require_text("text", body.text.strip())
    if is_blank(text):  # zero-width or control characters alone print as nothing
        raise Invalid(
            "Write the explanation.", fields={"text": "empty"}, reason="write_explanation"
        )
    return _change(
        conn,
        ctx,
        "explain",
        row,
        step.start,
        explanation=text,
        explained_at=ctx.now,
        explained_by=actor.staff_no,
    )


def verify(
    conn: Connection,
    ctx: Ctx,
    settings: Settings,
    calendar: WorkCalendar,
    rating_id: int,
    body: VerifyRequest,
) -> Rating:
    """A supervisor's 核实: 属实 opens a rectification due in working days; 不属实 / 误评 close."""
    actor = ctx.actor
    require_supervisor(actor)
    row = _bad_row(conn, rating_id)
    step = REVIEW_STEPS["verify"]
    if row.review_state not in step.start:
        raise Conflict(
            f"The 差评 {rating_id} has been verified already ({row.review_state}).",
            reason="verified_already",
            params={"rating_id": rating_id, "review_state": row.review_state},
        )
    note = require_text("note", body.note.strip())
    values: dict[str, Any] = {
        "review_state": body.verdict,
        "verdict": body.verdict,
        "verify_note": note,
        "verified_at": ctx.now,
        "verified_by": actor.staff_no,
    }
    if body.verdict == "upheld":
        days = body.rectify_days or settings.rating_rectify_days
        values["rectify_days"] = days
        values["rectify_due"] = calendar.add_working_days(service_day(ctx.now), days).date
    return _change(conn, ctx, "verify", row, step.start, **values)


def rectify(conn: Connection, ctx: Ctx, rating_id: int, body: RectifyRequest) -> Rating:
    """A supervisor records the rectification (整改) of an upheld 差评."""
    actor = ctx.actor
    require_supervisor(actor)
    row = _bad_row(conn, rating_id)
    step = REVIEW_STEPS["rectify"]
    if row.review_state not in step.start or step.to is None:
        raise Conflict(
            f"The 差评 {rating_id} is {row.review_state}; only an upheld (属实) one is rectified.",
            reason="upheld_one_rectified",
            params={"rating_id": rating_id, "review_state": row.review_state},
        )
    note = require_text("note", body.note.strip())
    if is_blank(note):
        raise Invalid(
            "Say what was rectified.", fields={"note": "empty"}, reason="say_what_rectified"
        )
    return _change(
        conn,
        ctx,
        "rectify",
        row,
        step.start,
        review_state=step.to,
        rectification=note,
        rectified_at=ctx.now,
        rectified_by=actor.staff_no,
    )


# --- defaults when the rating period ends -----------------------------------------------------

# Services given the default per write transaction: small enough that a batch holds the
# writer for a few milliseconds, so a ticket issued meanwhile is not kept waiting.
SWEEP_BATCH = 200
SWEEP_PAUSE_S = 0.005


def _swept_until(conn: Connection) -> datetime | None:
    value: datetime | None = conn.execute(
        select(rating_sweep.c.swept_until).where(rating_sweep.c.id == 1)
    ).scalar()
    return value


_DONE = text("tickets.status = 'done'")


def _unrated(since: datetime | None, cutoff: datetime, limit: int) -> Any:
    """The oldest services past their rating period without a rating, `limit` of them."""
    query = (
        select(
            tickets.c.id,
            tickets.c.number,
            tickets.c.service_day,
            tickets.c.finished_at,
            tickets.c.staff_no,
            tickets.c.window_no,
            windows.c.department_code,
        )
        .select_from(
            tickets.outerjoin(ratings, ratings.c.ticket_id == tickets.c.id).outerjoin(
                windows, windows.c.no == tickets.c.window_no
            )
        )
        # 'done' written out, not bound: only then can SQLite use the partial index
        # ix_tickets_done_finished (WHERE status = 'done') instead of sorting every done ticket.
        .where(_DONE, tickets.c.finished_at <= cutoff, ratings.c.id.is_(None))
        .order_by(tickets.c.finished_at, tickets.c.id)
        .limit(limit)
    )
    if since is not None:
        query = query.where(tickets.c.finished_at > since)
    return query


def sweep_needed(conn: Connection, settings: Settings, now: datetime) -> bool:
    if settings.rating_default_level is None:
        return False
    cutoff = now - timedelta(days=settings.rating_window_days)
    since = _swept_until(conn)
    return since is None or since < cutoff


def sweep_defaults(
    conn: Connection, ctx: Happening, settings: Settings, limit: int = SWEEP_BATCH
) -> tuple[int, bool]:
    """One batch of the default-rating sweep, in the caller's write transaction: the default
    level for up to `limit` of the oldest services whose rating period ended unrated.
    Returns (defaults stored, whether the sweep has caught up). The watermark
    `rating_sweep.swept_until` moves with each batch, so a sweep stopped half-way (a crash, a
    restart) goes on where its last committed batch ended; running it again adds nothing."""
    level = settings.rating_default_level
    if level is None:
        return 0, True
    window = timedelta(days=settings.rating_window_days)
    cutoff = ctx.now - window
    since = _swept_until(conn)
    if since is not None and since >= cutoff:
        return 0, True
    rows = conn.execute(_unrated(since, cutoff, limit)).all()
    done = len(rows) < limit
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    if rows:
        conn.execute(
            dialect.insert(ratings).on_conflict_do_nothing(index_elements=["ticket_id"]),
            [
                {
                    "ticket_id": row.id,
                    "ticket_number": row.number,
                    "case_no": None,
                    "service_day": service_day(row.finished_at),
                    "finished_at": row.finished_at,
                    "staff_no": row.staff_no,
                    "window_no": row.window_no,
                    "department_code": row.department_code,
                    "level": level,
                    "reasons": [],
                    "comment": "",
                    "channel": "default",
                    "is_default": True,
                    "rated_at": row.finished_at + window,
                    "rated_by": None,
                }
                for row in rows
            ],
        )
        per_key: dict[tuple[Any, str, int], int] = {}
        for row in rows:
            k = (row.service_day, *rollups.key(row.staff_no, row.window_no))
            per_key[k] = per_key.get(k, 0) + 1
        rollups.bump_many(
            conn,
            [
                {"day": day, "staff_no": who, "window_no": at, "defaults": n}
                for (day, who, at), n in per_key.items()
            ],
        )
    # Caught up: up to the cutoff. Else just before the last one stored, so services finished
    # at that same instant and not yet given their default are still ahead of the watermark
    # (the ones given it have a rating now and are not read again).
    until = cutoff if done else rows[-1].finished_at - timedelta(microseconds=1)
    upsert = dialect.insert(rating_sweep).values(id=1, swept_until=until)
    conn.execute(upsert.on_conflict_do_update(index_elements=["id"], set_={"swept_until": until}))
    if rows:
        audit.record(
            conn,
            ctx,
            "rating.defaults",
            "rating",
            "defaults",
            before=None,
            after={
                "level": level,
                "count": len(rows),
                "until": until.isoformat(),
                "tickets": [row.id for row in rows],
            },
        )
    return len(rows), done


def sweep(store: Store, limit: int = SWEEP_BATCH, max_batches: int | None = None) -> int:
    """The whole sweep, one short write transaction per batch (the periodic job runs this,
    never a read request). Returns the defaults stored."""
    settings = store.settings
    total = 0
    batches = 0
    with store.read() as conn:
        if not sweep_needed(conn, settings, store.now()):
            return 0
    while max_batches is None or batches < max_batches:
        with store.write() as conn:
            ctx = SystemCtx(now=store.now(), hall=store.hall, source="rating-sweep")
            stored, done = sweep_defaults(conn, ctx, settings, limit)
        total += stored
        batches += 1
        if done:
            break
        # Let a writer that queued behind this batch (a ticket, a call) go first: the
        # in-process writer connection is not handed out in order.
        time.sleep(SWEEP_PAUSE_S)
    return total
