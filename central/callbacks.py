"""回访: each day a reproducible sample of at least 10 % of the finished services is drawn for
a callback, skipping citizens no number is known for; the supervisor records what the call
found, and a dissatisfied citizen's callback goes into the hall's 差评 queue, through the same
loop as a 差评: verified (属实 / 不属实 / 误评), then rectified by a date.

The sample is reproducible: services are ranked by a hash of (hall, day, ticket id) and the
first ⌈10 % × finished⌉ of those that can be called are drawn (central.callback_numbers says
which number, and why a service has none). The 10 % counts against every finished service, as
the seeds' rule does; when fewer can be called, all of them are drawn and the day's figures say
how many could not be, and why. Drawing again later in the day tops the sample up (more
services finished) and never drops one already drawn.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from typing import Any

from sqlalchemy import Connection, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from central import audit, events
from central.calendar import WorkCalendar
from central.callback_numbers import numbers
from central.context import Ctx, Happening
from central.errors import Conflict, Forbidden, Invalid, NotFound, require_text
from central.hall_time import service_day
from central.schema import staff, tickets
from central.schema_supervision import callbacks
from client.rating_models import BadReview, VerifyRequest
from client.supervisor_models import Callback, CallbackDay, CallbackRecord, NotCallable
from client.validators import is_blank, mask_phone

SHARE = 0.10  # the seeds: 每天回访办事群众不低于总数的10%


def rank(hall: str, day: date, ticket_id: int) -> str:
    return hashlib.sha256(f"{hall}:{day.isoformat()}:{ticket_id}".encode()).hexdigest()


def _finished(conn: Connection, day: date) -> list[Any]:
    return list(
        conn.execute(
            select(tickets.c.id, tickets.c.number, tickets.c.window_no, tickets.c.staff_no).where(
                tickets.c.service_day == day, tickets.c.status == "done"
            )
        ).all()
    )


def wanted(finished: int) -> int:
    return math.ceil(SHARE * finished)


def draw(conn: Connection, ctx: Happening, day: date) -> int:
    """Top the day's sample up to ⌈10 %⌉ of its finished services; how many were added."""
    finished = _finished(conn, day)
    need = wanted(len(finished))
    have = int(
        conn.execute(
            select(func.count()).select_from(callbacks).where(callbacks.c.service_day == day)
        ).scalar_one()
    )
    if have >= need:
        return 0
    known, _why = numbers(conn, [int(t.id) for t in finished])
    drawn = set(
        conn.execute(select(callbacks.c.ticket_id).where(callbacks.c.service_day == day)).scalars()
    )
    # Those already drawn stay; the best-ranked of the rest fill the gap (the new ones rank
    # among them, so the first draw is not redrawn around them).
    eligible = sorted(
        (t for t in finished if int(t.id) in known and int(t.id) not in drawn),
        key=lambda t: rank(ctx.hall, day, int(t.id)),
    )
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    added = 0
    for t in eligible[: need - have]:
        found = known[int(t.id)]
        inserted = conn.execute(
            dialect.insert(callbacks)
            .values(
                service_day=day, ticket_id=t.id, ticket_number=t.number, case_no=found.case_no,
                staff_no=t.staff_no, window_no=t.window_no, applicant_name=found.name[:128],
                phone=found.phone[:20], phone_source=found.source, drawn_at=ctx.now, note="",
            )
            .on_conflict_do_nothing()
        )  # fmt: skip
        added += inserted.rowcount or 0
    if added:
        events.emit(conn, ctx, "callback.changed")
    return added


def _review(row: Any, today: date | None, names: dict[str, str]) -> BadReview | None:
    if row.review_state is None:
        return None
    overdue = (
        today is not None
        and row.review_state == "upheld"
        and row.rectify_due is not None
        and row.rectify_due < today
    )
    return BadReview(
        state=row.review_state, verdict=row.verdict, verify_note=row.verify_note,
        verified_at=row.verified_at, verified_by=row.verified_by,
        verified_by_name=names.get(row.verified_by or ""), rectify_days=row.rectify_days,
        rectify_due=row.rectify_due, rectification=row.rectification,
        rectified_at=row.rectified_at, rectified_by=row.rectified_by, overdue=overdue,
    )  # fmt: skip


def _model(row: Any, today: date | None = None, names: dict[str, str] | None = None) -> Callback:
    return Callback(
        id=row.id, service_day=row.service_day, ticket_id=row.ticket_id,
        ticket_number=row.ticket_number, case_no=row.case_no, staff_no=row.staff_no,
        staff_name=(names or {}).get(row.staff_no or ""), window_no=row.window_no,
        applicant_name=row.applicant_name, phone=row.phone,
        phone_source=row.phone_source, reached=row.reached, satisfied=row.satisfied,
        note=row.note or "", recorded_at=row.recorded_at, recorded_by=row.recorded_by,
        rectify_due=row.rectify_due, rectification=row.rectification,
        rectified_at=row.rectified_at, review=_review(row, today, names or {}),
    )  # fmt: skip


def _names(conn: Connection, rows: list[Any]) -> dict[str, str]:
    wanted_names = sorted(
        {r.verified_by for r in rows if r.verified_by} | {r.staff_no for r in rows if r.staff_no}
    )
    if not wanted_names:
        return {}
    found = conn.execute(
        select(staff.c.staff_no, staff.c.name).where(staff.c.staff_no.in_(wanted_names))
    ).all()
    return {r.staff_no: r.name for r in found}


def day_summary(
    conn: Connection, day: date, *, today: date | None = None, finished: int | None = None
) -> CallbackDay:
    """The day's sample and figures; `today` marks upheld rectifications past due."""
    rows = conn.execute(
        select(callbacks).where(callbacks.c.service_day == day).order_by(callbacks.c.id)
    ).all()
    names = _names(conn, list(rows))
    items = [_model(r, today, names) for r in rows]
    done_ids = [int(t.id) for t in _finished(conn, day)]
    done = finished if finished is not None else len(done_ids)
    known, why = numbers(conn, done_ids) if done_ids else ({}, {})
    not_callable: dict[NotCallable, int] = {}
    for reason in why.values():
        not_callable[reason] = not_callable.get(reason, 0) + 1
    recorded = [c for c in items if c.recorded_at is not None]
    return CallbackDay(
        service_day=day,
        finished=done,
        with_phone=len(known),
        wanted=wanted(done),
        not_callable=not_callable,
        drawn=len(items),
        recorded=len(recorded),
        reached=sum(1 for c in recorded if c.reached),
        satisfied=sum(1 for c in recorded if c.satisfied),
        dissatisfied=sum(1 for c in recorded if c.reached and c.satisfied is False),
        rate=(len(recorded) / done) if done else None,
        callbacks=items,
    )


def _row(conn: Connection, callback_id: int) -> Any:
    row = conn.execute(select(callbacks).where(callbacks.c.id == callback_id)).first()
    if row is None:
        raise NotFound(
            f"There is no callback {callback_id}.",
            reason="no_callback",
            params={"callback_id": callback_id},
        )
    return row


def _supervisor(ctx: Ctx) -> None:
    if not ctx.actor.is_supervisor:
        raise Forbidden("Only a supervisor records callbacks.", reason="supervisor_callbacks")


def record(
    conn: Connection,
    ctx: Ctx,
    callback_id: int,
    body: CallbackRecord,
) -> Callback:
    """What the call found; a dissatisfied citizen's callback may go into the 差评 queue
    (pending verification, as a citizen's 差评 does)."""
    _supervisor(ctx)
    row = _row(conn, callback_id)
    if row.recorded_at is not None:
        raise Conflict(
            f"Callback {callback_id} is recorded already; the record stays.",
            reason="callback_recorded_already",
            params={"callback_id": callback_id},
        )
    if body.reached and body.satisfied is None:
        raise Invalid(
            "Say whether the citizen was satisfied.",
            fields={"satisfied": "required when reached"},
            reason="callback_say_satisfied",
        )
    satisfied = body.satisfied if body.reached else None
    if body.open_rectification and satisfied is not False:
        raise Invalid(
            "Only a dissatisfied callback opens a rectification.",
            fields={"open_rectification": "only when dissatisfied"},
            reason="callback_rectify_only_dissatisfied",
        )
    values: dict[str, Any] = {
        "reached": body.reached, "satisfied": satisfied, "note": body.note.strip(),
        "recorded_at": ctx.now, "recorded_by": ctx.actor.staff_no,
    }  # fmt: skip
    if body.open_rectification:
        values["review_state"] = "pending"
    conn.execute(update(callbacks).where(callbacks.c.id == callback_id).values(**values))
    fresh = _row(conn, callback_id)
    after = _model(fresh, service_day(ctx.now), _names(conn, [fresh]))
    logged = after.model_dump(mode="json")
    logged["phone"] = mask_phone(after.phone)  # the audit keeps phones masked, as everywhere
    audit.record(
        conn, ctx, "callback.record", "callback", callback_id,
        before=None, after=logged, window_no=row.window_no,
    )  # fmt: skip
    events.emit(conn, ctx, "callback.changed", object_id=str(callback_id))
    return after


def _step(conn: Connection, ctx: Ctx, row: Any, action: str, values: dict[str, Any]) -> Callback:
    """One step of the callback's 差评 loop: written only from the state it was read in (a
    second supervisor's step at the same moment finds it moved on), audited, announced."""
    changed = conn.execute(
        update(callbacks)
        .where(callbacks.c.id == row.id, callbacks.c.review_state == row.review_state)
        .values(**values)
    ).rowcount
    if not changed:
        raise Conflict(
            f"Callback {row.id} has moved on meanwhile; look again.",
            reason="callback_moved_on",
            params={"callback_id": row.id},
        )
    after = _row(conn, row.id)
    audit.record(
        conn, ctx, action, "callback", row.id,
        before={"review_state": row.review_state},
        after={k: (str(v) if isinstance(v, date) else v) for k, v in values.items()
               if k not in ("verified_at", "rectified_at")},
        window_no=row.window_no,
    )  # fmt: skip
    events.emit(conn, ctx, "callback.changed", object_id=str(row.id))
    return _model(after, service_day(ctx.now), _names(conn, [after]))


def verify(
    conn: Connection,
    ctx: Ctx,
    callback_id: int,
    body: VerifyRequest,
    calendar: WorkCalendar,
    rectify_days: int,
) -> Callback:
    """核实 of a dissatisfied callback: 属实 opens a rectification due in working days;
    不属实 / 误评 close it (the same verdicts as a 差评)."""
    _supervisor(ctx)
    row = _row(conn, callback_id)
    if row.review_state != "pending":
        raise Conflict(
            f"Callback {callback_id} is not waiting for verification.",
            reason="callback_not_pending",
            params={"callback_id": callback_id},
        )
    values: dict[str, Any] = {
        "review_state": body.verdict, "verdict": body.verdict,
        "verify_note": require_text("note", body.note.strip()),
        "verified_at": ctx.now, "verified_by": ctx.actor.staff_no,
    }  # fmt: skip
    if body.verdict == "upheld":
        days = body.rectify_days or rectify_days
        values["rectify_days"] = days
        values["rectify_due"] = calendar.add_working_days(service_day(ctx.now), days).date
    return _step(conn, ctx, row, "callback.verify", values)


def rectify(conn: Connection, ctx: Ctx, callback_id: int, note: str) -> Callback:
    """整改 of an upheld dissatisfied callback."""
    _supervisor(ctx)
    row = _row(conn, callback_id)
    if row.review_state != "upheld":
        raise Conflict(
            f"Callback {callback_id} has no open rectification.",
            reason="callback_no_open_rectification",
            params={"callback_id": callback_id},
        )
    note = require_text("note", note.strip())
    if is_blank(note):  # blank, zero-width or control characters alone print as nothing
        raise Invalid(
            "Say what was rectified.", fields={"note": "empty"}, reason="say_what_rectified"
        )
    values = {
        "review_state": "rectified", "rectification": note,
        "rectified_at": ctx.now,
        "rectified_by": ctx.actor.staff_no,
    }  # fmt: skip
    return _step(conn, ctx, row, "callback.rectify", values)


# The 差评 queue's order: waiting for verification first, then upheld by due date.
_OPEN_ORDER = case((callbacks.c.review_state == "pending", 0), else_=1)


def complaints(conn: Connection, today: date, *, open_only: bool, limit: int) -> list[Callback]:
    """Dissatisfied callbacks in the 差评 loop: open ones first (pending, then upheld by due
    date), or every one, newest first."""
    query = select(callbacks).where(callbacks.c.review_state.is_not(None))
    if open_only:
        query = query.where(callbacks.c.review_state.in_(("pending", "upheld"))).order_by(
            _OPEN_ORDER, callbacks.c.rectify_due, callbacks.c.recorded_at.desc()
        )
    else:
        query = query.order_by(callbacks.c.recorded_at.desc(), callbacks.c.id.desc())
    rows = conn.execute(query.limit(limit)).all()
    names = _names(conn, list(rows))
    return [_model(r, today, names) for r in rows]
