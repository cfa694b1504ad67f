"""回访: each day a reproducible sample of at least 10 % of the finished services is drawn for
a callback, skipping citizens who left no phone; the supervisor records what the call found,
and a dissatisfied citizen's callback can open a rectification, as an upheld 差评 does.

The sample is reproducible: services are ranked by a hash of (hall, day, ticket id) and the
first ⌈10 % × finished⌉ of those with a phone are drawn. Drawing again later in the day tops the
sample up (more services finished) and never drops one already drawn.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from central import audit, events
from central.calendar import WorkCalendar
from central.context import Ctx, Happening
from central.errors import Conflict, Forbidden, Invalid, NotFound
from central.hall_time import service_day
from central.schema import cases, tickets
from central.schema_supervision import callbacks
from client.supervisor_models import Callback, CallbackDay, CallbackRecord

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


def _phones(conn: Connection, ticket_ids: list[int]) -> dict[int, Any]:
    """ticket id → (case no, applicant name, mobile) of the case taken at that service."""
    found: dict[int, Any] = {}
    for start in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[start : start + 500]
        for r in conn.execute(
            select(cases.c.ticket_id, cases.c.case_no, cases.c.applicant).where(
                cases.c.ticket_id.in_(chunk)
            )
        ).all():
            applicant = r.applicant or {}
            mobile = str(applicant.get("mobile") or "").strip()
            if mobile:
                found[int(r.ticket_id)] = (r.case_no, str(applicant.get("name") or ""), mobile)
    return found


def draw(conn: Connection, ctx: Happening, day: date) -> int:
    """Top the day's sample up to ⌈10 %⌉ of its finished services; how many were added."""
    finished = _finished(conn, day)
    wanted = math.ceil(SHARE * len(finished))
    have = int(
        conn.execute(
            select(func.count()).select_from(callbacks).where(callbacks.c.service_day == day)
        ).scalar_one()
    )
    if have >= wanted:
        return 0
    phones = _phones(conn, [int(t.id) for t in finished])
    eligible = sorted(
        (t for t in finished if int(t.id) in phones), key=lambda t: rank(ctx.hall, day, int(t.id))
    )
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    added = 0
    for t in eligible[:wanted]:
        case_no, name, phone = phones[int(t.id)]
        inserted = conn.execute(
            dialect.insert(callbacks)
            .values(
                service_day=day, ticket_id=t.id, ticket_number=t.number, case_no=case_no,
                staff_no=t.staff_no, window_no=t.window_no, applicant_name=name[:128],
                phone=phone[:20], drawn_at=ctx.now, note="",
            )
            .on_conflict_do_nothing()
        )  # fmt: skip
        added += inserted.rowcount or 0
    if added:
        events.emit(conn, ctx, "callback.changed")
    return added


def _model(row: Any) -> Callback:
    return Callback(
        id=row.id, service_day=row.service_day, ticket_id=row.ticket_id,
        ticket_number=row.ticket_number, case_no=row.case_no, staff_no=row.staff_no,
        window_no=row.window_no, applicant_name=row.applicant_name, phone=row.phone,
        reached=row.reached, satisfied=row.satisfied, note=row.note or "",
        recorded_at=row.recorded_at, recorded_by=row.recorded_by, rectify_due=row.rectify_due,
        rectification=row.rectification, rectified_at=row.rectified_at,
    )  # fmt: skip


def day_summary(conn: Connection, day: date, *, finished: int | None = None) -> CallbackDay:
    rows = conn.execute(
        select(callbacks).where(callbacks.c.service_day == day).order_by(callbacks.c.id)
    ).all()
    items = [_model(r) for r in rows]
    done = finished if finished is not None else len(_finished(conn, day))
    with_phone = len(_phones(conn, [int(t.id) for t in _finished(conn, day)])) if done else 0
    recorded = [c for c in items if c.recorded_at is not None]
    return CallbackDay(
        service_day=day,
        finished=done,
        with_phone=with_phone,
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
    calendar: WorkCalendar,
    rectify_days: int,
) -> Callback:
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
        values["rectify_due"] = calendar.add_working_days(service_day(ctx.now), rectify_days).date
    conn.execute(update(callbacks).where(callbacks.c.id == callback_id).values(**values))
    after = _row(conn, callback_id)
    audit.record(
        conn, ctx, "callback.record", "callback", callback_id,
        before=None, after=_model(after).model_dump(mode="json"), window_no=row.window_no,
    )  # fmt: skip
    events.emit(conn, ctx, "callback.changed", object_id=str(callback_id))
    return _model(after)


def rectify(conn: Connection, ctx: Ctx, callback_id: int, note: str) -> Callback:
    _supervisor(ctx)
    row = _row(conn, callback_id)
    if row.rectify_due is None or row.rectified_at is not None:
        raise Conflict(
            f"Callback {callback_id} has no open rectification.",
            reason="callback_no_open_rectification",
            params={"callback_id": callback_id},
        )
    conn.execute(
        update(callbacks)
        .where(callbacks.c.id == callback_id)
        .values(rectification=note.strip(), rectified_at=ctx.now,
                rectified_by=ctx.actor.staff_no)
    )  # fmt: skip
    after = _row(conn, callback_id)
    audit.record(
        conn, ctx, "callback.rectify", "callback", callback_id,
        before={"rectification": None}, after={"rectification": after.rectification},
        window_no=row.window_no,
    )  # fmt: skip
    events.emit(conn, ctx, "callback.changed", object_id=str(callback_id))
    return _model(after)
