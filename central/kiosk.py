"""The ticket kiosk's side of the central (取号机): its queue list, the slip it prints, and
appointments (预约) — booked by whoever books them, checked in at the kiosk.

Issuing itself is `POST /v1/tickets` (queue_engine.issue_ticket: the daily cap, the audit, the
event); the kiosk reads back the slip of the ticket it got. A check-in issues an appointment
ticket the same way, once its slot has come, and keeps the ticket on the appointment so a
second check-in answers with the first ticket's slip instead of a second ticket.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from central import audit
from central import tickets as engine
from central.context import Ctx
from central.errors import Conflict, Forbidden, Invalid, NotFound, require_text
from central.hall import queue_stats
from central.hall_time import HALL_TZ, as_utc, day_bounds, service_day
from central.schema import audit as audit_log
from central.schema import hall, queues, tickets
from central.schema_devices import appointments
from client.device_models import (
    Appointment,
    AppointmentRequest,
    CheckInRequest,
    KioskQueue,
    KioskView,
    TicketSlip,
)

# A citizen may check in this long before the slot starts (they queue as walk-ins before).
EARLY = timedelta(minutes=30)
CODE_DIGITS = 6


def kiosk_view(conn: Connection, now: datetime) -> KioskView:
    """Every queue with its waiting count and whether its daily cap is reached."""
    caps = {r.prefix: (r.daily_cap, r.bring) for r in conn.execute(select(queues)).all()}
    rows = []
    for q in queue_stats(conn, now).queues:
        cap, bring = caps[q.prefix]
        rows.append(
            KioskQueue(
                prefix=q.prefix,
                name=q.name,
                waiting=q.waiting,
                issued_today=q.issued_today,
                daily_cap=cap,
                full=q.issued_today >= cap,
                bring=bring,
            )
        )
    return KioskView(hall=_hall_name(conn), queues=rows)


def _hall_name(conn: Connection) -> str:
    return str(conn.execute(select(hall.c.name)).scalar() or "")


def slip(conn: Connection, ticket_id: int) -> TicketSlip:
    """The printed ticket: who waits ahead is every waiting ticket of its queue issued before."""
    row = conn.execute(
        select(tickets, queues.c.name.label("queue_name"), queues.c.bring)
        .select_from(tickets.join(queues, queues.c.prefix == tickets.c.queue_prefix))
        .where(tickets.c.id == ticket_id)
    ).first()
    if row is None:
        raise NotFound(
            f"There is no ticket {ticket_id}.", reason="no_ticket", params={"ticket_id": ticket_id}
        )
    ahead = conn.execute(
        select(func.count()).where(
            tickets.c.queue_prefix == row.queue_prefix,
            tickets.c.status == "waiting",
            tickets.c.id < row.id,
        )
    ).scalar()
    return TicketSlip(
        ticket_id=row.id,
        number=row.number,
        queue=row.queue_prefix,
        queue_name=row.queue_name,
        kind=row.kind,
        ahead=int(ahead or 0),
        issued_at=row.issued_at,
        appointment_at=row.appointment_at,
        bring=row.bring,
        hall=_hall_name(conn),
    )


def issued_by(conn: Connection, staff_no: str, now: datetime, after: int) -> list[TicketSlip]:
    """The slips of today's tickets this kiosk issued after ticket `after` (from the audit
    trail, which names who issued each), oldest first: what `counter kiosk-print` prints."""
    start, end = day_bounds(service_day(now))
    found = conn.execute(
        select(audit_log.c.object_id).where(
            audit_log.c.action == "ticket.issue",
            audit_log.c.actor == staff_no,
            audit_log.c.at >= start,
            audit_log.c.at < end,
        )
    ).scalars()
    ids = sorted(n for n in (int(x) for x in found) if n > after)
    return [slip(conn, n) for n in ids[:50]]


# --- appointments -------------------------------------------------------------------------------


def _appointment(row: Any) -> Appointment:
    return Appointment(
        id=row.id,
        code=row.code,
        queue=row.queue_prefix,
        slot_start=row.slot_start,
        slot_end=row.slot_end,
        phone_tail=row.phone[-4:],
        name=row.name,
        ticket_id=row.ticket_id,
        checked_in_at=row.checked_in_at,
    )


def book(conn: Connection, ctx: Ctx, body: AppointmentRequest) -> Appointment:
    """A booking for one queue and slot (a supervisor, an admin, or the hall's booking system
    signed in as a supervisor account); its code is what the citizen types at the kiosk."""
    actor = ctx.actor
    if actor is None or not actor.is_supervisor:
        raise Forbidden(
            "Only a supervisor or the booking system books appointments.",
            reason="only_supervisor_books_appointments",
        )
    prefix = body.queue.strip().upper()
    if conn.execute(select(queues.c.prefix).where(queues.c.prefix == prefix)).first() is None:
        raise Invalid(
            f"There is no queue {body.queue!r}.",
            fields={"queue": "unknown queue"},
            reason="no_queue",
            params={"queue": body.queue},
        )
    start, end = as_utc(body.slot_start), as_utc(body.slot_end)
    if end <= ctx.now or start - ctx.now > engine.APPOINTMENT_HORIZON:
        raise Invalid(
            "The slot must end in the future and start within a year.",
            fields={"slot_start": "out of range"},
            reason="appointment_slot_out_of_range",
        )
    taken = set(conn.execute(select(appointments.c.code)).scalars())
    code = _new_code(taken)
    values = {
        "code": code,
        "queue_prefix": prefix,
        "slot_start": start,
        "slot_end": end,
        "phone": body.phone,
        "name": require_text("name", body.name.strip()),
        "booked_at": ctx.now,
        "booked_by": actor.staff_no,
    }
    row = conn.execute(insert(appointments).values(**values).returning(*appointments.c)).one()
    new_id = row.id
    model = _appointment(row)
    audit.record(
        conn, ctx, "appointment.book", "appointment", new_id,
        before=None, after=model.model_dump(mode="json"),
    )  # fmt: skip
    return model


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        if code not in taken:
            return code


def check_in(conn: Connection, ctx: Ctx, body: CheckInRequest) -> TicketSlip:
    """Turn an appointment whose slot has come into an appointment ticket (at the kiosk)."""
    actor = ctx.actor
    # Before any lookup: whether a phone number has a booking, and when, is not for everyone.
    if not (actor.is_supervisor or (actor.role == "device" and actor.device_kind == "kiosk")):
        raise Forbidden(
            "Only a ticket kiosk or a supervisor can issue tickets.",
            reason="ticket_kiosk_supervisor_can_issue",
        )
    row = _find(conn, ctx, body)
    if row.ticket_id is not None:
        number = _number(conn, row.ticket_id)
        raise Conflict(
            f"This appointment was checked in already: ticket {number}.",
            reason="appointment_checked_in_already",
            params={"number": number},
        )
    start, end = as_utc(row.slot_start), as_utc(row.slot_end)
    if ctx.now < start - EARLY:
        opens = start - EARLY
        raise Conflict(
            f"Your slot starts at {_hhmm(start)}; check in from {_hhmm(opens)}.",
            reason="appointment_slot_not_yet",
            params={"start": _hhmm(start), "opens": _hhmm(opens)},
        )
    if ctx.now >= end:
        raise Conflict(
            f"Your slot ended at {_hhmm(end)}; please take a walk-in ticket.",
            reason="appointment_slot_passed",
            params={"end": _hhmm(end)},
        )
    ticket = engine.issue_ticket(conn, ctx, row.queue_prefix, "appointment", start)
    conn.execute(
        update(appointments)
        .where(appointments.c.id == row.id, appointments.c.ticket_id.is_(None))
        .values(ticket_id=ticket.id, checked_in_at=ctx.now)
    )
    audit.record(
        conn, ctx, "appointment.check_in", "appointment", row.id,
        before={"ticket_id": None}, after={"ticket_id": ticket.id, "number": ticket.number},
    )  # fmt: skip
    return slip(conn, ticket.id)


def _number(conn: Connection, ticket_id: int) -> str:
    return str(conn.execute(select(tickets.c.number).where(tickets.c.id == ticket_id)).scalar())


def _hhmm(moment: datetime) -> str:
    return as_utc(moment).astimezone(HALL_TZ).strftime("%H:%M")


def _find(conn: Connection, ctx: Ctx, body: CheckInRequest) -> Any:
    if body.code is not None:
        code = body.code.strip()
        row = conn.execute(select(appointments).where(appointments.c.code == code)).first()
        if row is None:
            raise NotFound(
                "No appointment has this booking code; please check it.",
                reason="no_appointment_code",
            )
        return row
    # By phone: today's appointments of that number; the one open now, else the next one.
    start, end = day_bounds(service_day(ctx.now))
    found = conn.execute(
        select(appointments)
        .where(
            and_(
                appointments.c.phone == body.phone,
                appointments.c.slot_start < end,
                appointments.c.slot_end > start,
            )
        )
        .order_by(appointments.c.ticket_id.is_not(None), appointments.c.slot_start)
    ).all()
    if not found:
        raise NotFound("No appointment today for this phone number.", reason="no_appointment_phone")
    for row in found:
        if row.ticket_id is None and as_utc(row.slot_end) > ctx.now:
            return row
    return found[0]
