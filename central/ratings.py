"""Ratings (好差评): a citizen rates a finished service once, a 差评 goes through its loop.

    post (rating pad) ──▶ rating; level 2/1 from a citizen opens the 差评 loop:
        pending ─verify 属实→ upheld ─rectify→ rectified
        pending ─verify 不属实 / 误评→ unfounded / mistaken (closed)
        the clerk may explain once while it is pending or upheld

One rating per service (一次一评) is the UNIQUE(ticket_id) of the ratings table; a second
post answers 409. Ratings are taken for `Settings.rating_window_days` after the service
finished; after that an unrated service may get the locality's default level
(central.rating_defaults). Ratings are read through central.rating_lists.

Every operation runs in the caller's write transaction, with its audit row (and event).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from central import audit, rollups
from central.calendar import WorkCalendar
from central.context import Actor, Ctx
from central.errors import Conflict, Forbidden, Invalid, NotFound, require_text
from central.events import emit
from central.hall_time import service_day
from central.rating_lists import find_rating, rating_model
from central.schema import cases, staff, tickets, windows
from central.schema_ratings import ratings
from central.settings import Settings
from client.rating_models import (
    REVIEW_STEPS,
    ExplainRequest,
    Rating,
    RatingRequest,
    RectifyRequest,
    VerifyRequest,
)
from client.validators import is_blank

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
    return rating_model(find_rating(conn, rating_id), ctx.now)


# --- the 差评 loop ----------------------------------------------------------------------------


def _bad_row(conn: Connection, rating_id: int) -> Any:
    row = find_rating(conn, rating_id)
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
    fresh = find_rating(conn, row.id)
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
