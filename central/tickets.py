"""The queue engine: the ticket state machine of DESIGN.md §2, call order, issuing, call-next.
The steps after a call (recall … reactivate, transfer) are central.ticket_steps; the window
steps and the guards they share are central.windows.

Pure rules first (transitions, numbering, call order), then the database operations. Every
operation runs inside the caller's write transaction (Store.write: BEGIN IMMEDIATE on SQLite),
changes rows with compare-and-set updates (`… WHERE status = <expected>`, checking the row
count), and writes its audit row and events in that same transaction.

Two windows never get the same ticket: call-next's candidates and the compare-and-set that
claims one of them are central.call_claim.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    insert,
    select,
    update,
)

from central import audit
from central import pg_call_ahead as ahead
from central.context import Ctx
from central.day_sequence import next_in_day
from central.direct_statement import DirectStatement
from central.errors import Conflict, Forbidden, Invalid, NotFound, require_text
from central.events import emit, emit_many
from central.hall import ticket_model
from central.hall_time import as_utc, service_day
from central.pg_step_ahead import MISSING, ticket_read_ahead
from central.schema import queues, ticket_sequences, tickets, windows
from central.windows import guard_window, require_open_window
from client.models import Ticket
from client.transitions import Transition, either

# --- pure rules -------------------------------------------------------------------------------

# action → the states it may start from, the state it leads to, how a refusal names it
TRANSITIONS: dict[str, Transition[str]] = {
    "call": Transition(("waiting",), "called", "called"),
    "recall": Transition(("called",), "called", "recalled"),
    "no_show": Transition(("called",), "missed", "marked no-show"),
    "start": Transition(("called",), "serving", "started"),
    "finish": Transition(("serving",), "done", "finished"),
    "hold": Transition(("serving",), "held", "put on hold"),
    "call_back": Transition(("held",), "serving", "called back"),
    "transfer": Transition(("called", "serving"), "waiting", "transferred"),
    "cancel": Transition(("waiting",), "cancelled", "cancelled"),
    "reactivate": Transition(("missed",), "waiting", "reactivated"),
}
SUPERVISOR_ONLY = ("cancel", "reactivate")
APPOINTMENT_HORIZON = timedelta(days=366)


def next_status(action: str, number: str, status: str) -> str:
    """The state `action` leads to from `status`, or Conflict with a sentence saying why not."""
    step = TRANSITIONS[action]
    if status not in step.start or step.to is None:
        raise Conflict(
            f"Ticket {number} is {status}; only a {either(step.start)} ticket can be {step.words}.",
            reason="ticket_wrong_state",
            params={"number": number, "status": status, "action": action},
        )
    return step.to


def ticket_number(prefix: str, seq: int) -> str:
    return f"{prefix}{seq:03d}"


def call_rank(
    kind: str,
    appointment_at: datetime | None,
    priority: int,
    issued_at: datetime,
    ticket_id: int,
    now: datetime,
) -> tuple[int, int, int, datetime, int]:
    """Call order as a sort key (central.call_claim's SQL orders the same way): green channel first,
    then appointments whose slot has come, then the window's queue priority, then arrival."""
    due = kind == "appointment" and appointment_at is not None and appointment_at <= now
    return (0 if kind == "green" else 1, 0 if due else 1, priority, issued_at, ticket_id)


# --- statements, built once (SQLAlchemy then reuses their compiled form) ------------------------

_TICKET = select(tickets).where(tickets.c.id == bindparam("b_id"))
# The ticket and the window its actor is signed on at, for the transitions' guard.
_TICKET_FOR = select(
    tickets,
    select(windows.c.no)
    .where(windows.c.staff_no == bindparam("b_staff"))
    .scalar_subquery()
    .label("actor_window"),
).where(tickets.c.id == bindparam("b_id"))
_QUEUE = select(queues).where(queues.c.prefix == bindparam("b_prefix"))
_QUEUE_PREFIXES = select(queues.c.prefix).order_by(queues.c.prefix)
_INSERT_TICKET = insert(tickets).returning(*tickets.c)
# Compare-and-set on a ticket's status; the values to set are the execute parameters.
_SET = update(tickets).where(
    tickets.c.id == bindparam("b_id"), tickets.c.status == bindparam("b_status")
)
_SET_RETURNING = _SET.returning(*tickets.c)
# A step's reads of its ticket, straight through the driver (central.direct_statement).
_DIRECT_TICKET = DirectStatement(_TICKET, ("b_id",))
_DIRECT_TICKET_FOR = DirectStatement(_TICKET_FOR, ("b_id", "b_staff"))


# --- reads --------------------------------------------------------------------------------------


def _ticket(conn: Connection, ticket_id: int) -> Any:
    row = None
    if 0 < ticket_id <= 2**63 - 1:
        row = _DIRECT_TICKET.first(conn, ticket_id)
    if row is None:
        raise NotFound(
            f"There is no ticket {ticket_id}.", reason="no_ticket", params={"ticket_id": ticket_id}
        )
    return row


# The window the ticket a step reads was at before the step: a step's answer shows that window
# (a no-show or a transfer takes the ticket away from it), read here and not once more.
WINDOW_BEFORE = "ticket_window_before"


def _ticket_for(conn: Connection, ctx: Ctx, ticket_id: int) -> Any:
    """The ticket row plus `actor_window`: where the acting staff member is signed on (in a
    PostgreSQL group, maybe read ahead: central.pg_step_ahead)."""
    row = ticket_read_ahead(conn, ticket_id, ctx.actor.staff_no)
    if row is MISSING:
        row = None
        if 0 < ticket_id <= 2**63 - 1:
            row = _DIRECT_TICKET_FOR.first(conn, ticket_id, ctx.actor.staff_no)
    if row is None:
        raise NotFound(
            f"There is no ticket {ticket_id}.", reason="no_ticket", params={"ticket_id": ticket_id}
        )
    conn.info[WINDOW_BEFORE] = row.window_no  # the answer's window (central.counter_answer)
    return row


def get_ticket(conn: Connection, ticket_id: int) -> Ticket:
    return ticket_model(_ticket(conn, ticket_id))


def _snapshot(row: Any) -> dict[str, Any]:
    return ticket_model(row).model_dump(mode="json")


# --- issuing ------------------------------------------------------------------------------------


def issue_ticket(
    conn: Connection,
    ctx: Ctx,
    queue: str,
    kind: str = "walk_in",
    appointment_at: datetime | None = None,
) -> Ticket:
    actor = ctx.actor
    if not (actor.is_supervisor or (actor.role == "device" and actor.device_kind == "kiosk")):
        raise Forbidden(
            "Only a ticket kiosk or a supervisor can issue tickets.",
            reason="ticket_kiosk_supervisor_can_issue",
        )
    prefix = require_text("queue", queue).strip().upper()
    q = conn.execute(_QUEUE, {"b_prefix": prefix}).first()
    if q is None:
        known = ", ".join(conn.execute(_QUEUE_PREFIXES).scalars())
        raise Invalid(
            f"There is no queue {queue!r}; this hall's queues are {known}.",
            fields={"queue": "unknown queue"},
            reason="no_queue_hall_s_queues",
            params={"queue": queue, "known": known},
        )
    slot: datetime | None = None
    if kind == "appointment":
        if appointment_at is None:
            raise Invalid(
                "An appointment ticket needs the start of its time slot.",
                fields={"appointment_at": "required for an appointment"},
                reason="appointment_ticket_needs_start_time",
            )
        try:
            slot = as_utc(appointment_at)
            too_far = abs(slot - ctx.now) > APPOINTMENT_HORIZON
        except OverflowError:
            too_far = True
        if too_far:
            raise Invalid(
                "The appointment slot must be within a year of today.",
                fields={"appointment_at": "out of range"},
                reason="appointment_slot_must_within_year",
            )
    elif appointment_at is not None:
        raise Invalid(
            "Only an appointment ticket has a time slot.",
            fields={"appointment_at": "only for kind=appointment"},
            reason="appointment_ticket_time_slot",
        )
    day = service_day(ctx.now)
    seq = next_in_day(conn, ticket_sequences, day, queue_prefix=prefix)
    if seq > q.daily_cap:
        raise Conflict(
            f"Queue {prefix} ({q.name}) has issued all {q.daily_cap} tickets for today; "
            "offer an appointment for another day.",
            reason="queue_issued_all_tickets_today",
            params={"prefix": prefix, "name": q.name, "daily_cap": q.daily_cap},
        )
    row = conn.execute(
        _INSERT_TICKET,
        {
            "number": ticket_number(prefix, seq),
            "issued_queue": prefix,
            "queue_prefix": prefix,
            "service_day": day,
            "seq": seq,
            "kind": kind,
            "status": "waiting",
            "issued_at": ctx.now,
            "appointment_at": slot,
            "recall_count": 0,
        },
    ).one()
    model = ticket_model(row)
    after = model.model_dump(mode="json")
    audit.record(conn, ctx, "ticket.issue", "ticket", row.id, before=None, after=after)
    emit(conn, ctx, "queue.changed", queue=prefix)
    return model


# --- calling ------------------------------------------------------------------------------------


def called_values(window_no: int, staff_no: str | None, now: datetime) -> dict[str, Any]:
    """The columns a ticket called to a window gets, next in order or by name."""
    return {
        "status": "called",
        "window_no": window_no,
        "staff_no": staff_no,
        "called_at": now,
        "recall_count": 0,
    }


def call_next(conn: Connection, ctx: Ctx, window_no: int) -> Ticket | None:
    """Call the next ticket for a window, or None when nothing waits for it. In a PostgreSQL
    group the window and the claim may have been read ahead (central.pg_call_ahead)."""
    window = ahead.window_state(conn, window_no)
    guard_window(conn, ctx, window, "call tickets")
    require_open_window(window, "call")
    claim = {**called_values(window_no, window.staff_no, ctx.now), "b_now": ctx.now}
    row = ahead.claim(conn, window_no, claim)
    return None if row is None else _after_call(conn, ctx, row, window_no)


def _after_call(conn: Connection, ctx: Ctx, row: Any, window_no: int) -> Ticket:
    model = ticket_model(row)
    after = model.model_dump(mode="json")
    before = {**after, "status": "waiting", "window_no": None, "called_at": None}
    audit.record(
        conn,
        ctx,
        "ticket.call",
        "ticket",
        row.id,
        before=before,
        after=after,
        window_no=window_no,
    )
    announce_call(conn, ctx, row, window_no)
    return model


def announce_call(conn: Connection, ctx: Ctx, row: Any, window_no: int) -> None:
    """A ticket called to a window (next in order or by name): what the hall's screens hear."""
    queue = row.queue_prefix
    emit_many(
        conn,
        ctx,
        [
            ("ticket.called", {"ticket_id": row.id, "window_no": window_no, "queue": queue}),
            ("queue.changed", {"queue": queue}),
            ("window.changed", {"window_no": window_no}),
        ],
    )
