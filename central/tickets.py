"""The queue engine: the ticket state machine of DESIGN.md §2, call order, call-next (the window
steps and the guards they share are in central.windows).

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

from central import audit, rollups
from central.call_claim import claim_next
from central.context import Ctx
from central.day_sequence import next_in_day
from central.errors import Conflict, Forbidden, Invalid, NotFound, require_text
from central.events import emit, emit_many
from central.hall import ticket_model
from central.hall_time import as_utc, service_day
from central.schema import queues, ticket_sequences, tickets, windows
from central.windows import guard_window, require_open_window, window_exists, window_state
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


# --- reads --------------------------------------------------------------------------------------


def _ticket(conn: Connection, ticket_id: int) -> Any:
    row = None
    if 0 < ticket_id <= 2**63 - 1:
        row = conn.execute(_TICKET, {"b_id": ticket_id}).first()
    if row is None:
        raise NotFound(
            f"There is no ticket {ticket_id}.", reason="no_ticket", params={"ticket_id": ticket_id}
        )
    return row


def _ticket_for(conn: Connection, ctx: Ctx, ticket_id: int) -> Any:
    """The ticket row plus `actor_window`: where the acting staff member is signed on."""
    row = None
    if 0 < ticket_id <= 2**63 - 1:
        row = conn.execute(_TICKET_FOR, {"b_id": ticket_id, "b_staff": ctx.actor.staff_no}).first()
    if row is None:
        raise NotFound(
            f"There is no ticket {ticket_id}.", reason="no_ticket", params={"ticket_id": ticket_id}
        )
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


def call_next(conn: Connection, ctx: Ctx, window_no: int) -> Ticket | None:
    """Call the next ticket for a window, or None when nothing waits for it."""
    window = window_state(conn, window_no)
    guard_window(conn, ctx, window, "call tickets")
    require_open_window(window, "call")
    claim = {
        "status": "called",
        "window_no": window_no,
        "staff_no": window.staff_no,
        "called_at": ctx.now,
        "recall_count": 0,
        "b_now": ctx.now,
    }
    row = claim_next(conn, window_no, claim)
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


# --- ticket transitions -------------------------------------------------------------------------


def _guard_ticket(conn: Connection, ctx: Ctx, action: str, row: Any) -> str:
    """Role checks and the state machine for one action on one ticket; the new status.
    `row` comes from _ticket_for (it carries the actor's window)."""
    actor = ctx.actor
    phrase = TRANSITIONS[action].words
    if actor.role == "device" or (action in SUPERVISOR_ONLY and not actor.is_supervisor):
        who = "a supervisor" if action in SUPERVISOR_ONLY else "window staff"
        raise Forbidden(
            f"Only {who} can have a ticket {phrase}.",
            reason="ticket_not_for_role",
            params={"who": who, "phrase": phrase},
        )
    to = next_status(action, row.number, row.status)
    if not actor.is_supervisor:
        own = row.actor_window
        if own is None:
            raise Forbidden(
                "You are not signed on at a window; sign on first.",
                reason="you_not_signed_window_sign",
            )
        if row.window_no != own:
            raise Forbidden(
                f"Ticket {row.number} was not called at your window ({own}); "
                "only its window or a supervisor can act on it.",
                reason="ticket_not_called_your_window",
                params={"number": row.number, "own": own},
            )
    return to


def _set(conn: Connection, row: Any, **values: Any) -> Any:
    """Compare-and-set: change the ticket only if nobody changed its status meanwhile."""
    params = {"b_id": row.id, "b_status": row.status, **values}
    fresh: Any = None
    if conn.dialect.update_returning:
        fresh = conn.execute(_SET_RETURNING, params).first()
    elif conn.execute(_SET, params).rowcount == 1:
        fresh = _ticket(conn, row.id)
    if fresh is None:
        now = _ticket(conn, row.id)
        raise Conflict(
            f"Ticket {row.number} changed meanwhile (it is now {now.status}); refresh and retry.",
            reason="ticket_changed_meanwhile_now_refresh",
            params={"number": row.number, "status": now.status},
        )
    return fresh


def _finish_action(
    conn: Connection,
    ctx: Ctx,
    action: str,
    before: Any,
    after: Any,
    window_no: int | None,
    events: list[tuple[str, dict[str, Any]]],
) -> Ticket:
    model = ticket_model(after)
    audit.record(
        conn,
        ctx,
        f"ticket.{action}",
        "ticket",
        before.id,
        before=_snapshot(before),
        after=model.model_dump(mode="json"),
        window_no=window_no,
    )
    emit_many(conn, ctx, events)
    return model


def recall(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
    row = _ticket_for(conn, ctx, ticket_id)
    _guard_ticket(conn, ctx, "recall", row)
    new = _set(conn, row, recall_count=row.recall_count + 1)
    called = {"ticket_id": row.id, "window_no": row.window_no, "queue": row.queue_prefix}
    called["object_id"] = "recall"  # the display announces it again, marked as a recall
    return _finish_action(conn, ctx, "recall", row, new, row.window_no, [("ticket.called", called)])


def no_show(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
    row = _ticket_for(conn, ctx, ticket_id)
    to = _guard_ticket(conn, ctx, "no_show", row)
    new = _set(conn, row, status=to)
    events = [
        ("queue.changed", {"queue": row.queue_prefix}),
        ("window.changed", {"window_no": row.window_no}),
    ]
    return _finish_action(conn, ctx, "no_show", row, new, row.window_no, events)


def start(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
    row = _ticket_for(conn, ctx, ticket_id)
    to = _guard_ticket(conn, ctx, "start", row)
    new = _set(conn, row, status=to, started_at=ctx.now)
    events = [("window.changed", {"window_no": row.window_no})]
    return _finish_action(conn, ctx, "start", row, new, row.window_no, events)


def finish(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
    row = _ticket_for(conn, ctx, ticket_id)
    to = _guard_ticket(conn, ctx, "finish", row)
    new = _set(conn, row, status=to, finished_at=ctx.now)
    rollups.bump(conn, row.service_day, row.staff_no, row.window_no, served=1)
    events = [
        ("window.changed", {"window_no": row.window_no}),
        ("queue.changed", {"queue": row.queue_prefix}),  # served today changed
    ]
    return _finish_action(conn, ctx, "finish", row, new, row.window_no, events)


def hold(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
    row = _ticket_for(conn, ctx, ticket_id)
    to = _guard_ticket(conn, ctx, "hold", row)
    new = _set(conn, row, status=to)
    events = [("window.changed", {"window_no": row.window_no})]
    return _finish_action(conn, ctx, "hold", row, new, row.window_no, events)


def call_back(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
    """A held ticket comes back into service at the window that held it."""
    row = _ticket_for(conn, ctx, ticket_id)
    to = _guard_ticket(conn, ctx, "call_back", row)
    window = window_state(conn, row.window_no)
    require_open_window(window, "call_back", row.number)
    new = _set(conn, row, status=to, staff_no=window.staff_no)
    events = [("window.changed", {"window_no": window.no})]
    return _finish_action(conn, ctx, "call_back", row, new, window.no, events)


def transfer(
    conn: Connection,
    ctx: Ctx,
    ticket_id: int,
    queue: str | None = None,
    window_no: int | None = None,
) -> Ticket:
    """Send a called or serving ticket back to waiting: in another queue, or for one window."""
    if (queue is None) == (window_no is None):
        raise Invalid(
            "Give exactly one of queue or window_no to transfer to.",
            fields={"queue": "exactly one of queue, window_no"},
            reason="give_exactly_one_queue_window",
        )
    row = _ticket_for(conn, ctx, ticket_id)
    to = _guard_ticket(conn, ctx, "transfer", row)
    new_queue, target = row.queue_prefix, None
    if queue is not None:
        prefix = require_text("queue", queue).strip().upper()
        if conn.execute(_QUEUE, {"b_prefix": prefix}).first() is None:
            raise Invalid(
                f"There is no queue {queue!r}.",
                fields={"queue": "unknown queue"},
                reason="no_queue",
                params={"queue": queue},
            )
        new_queue = prefix
    else:
        assert window_no is not None
        if not window_exists(conn, window_no):
            raise Invalid(
                f"There is no window {window_no} in this hall.",
                fields={"window_no": "unknown window"},
                reason="no_window_hall",
                params={"window_no": window_no},
            )
        if window_no == row.window_no:
            raise Invalid(
                f"Ticket {row.number} is already at window {window_no}.",
                fields={"window_no": "the ticket's own window"},
                reason="ticket_already_window",
                params={"number": row.number, "window_no": window_no},
            )
        target = window_no
    new = _set(
        conn,
        row,
        status=to,
        queue_prefix=new_queue,
        target_window=target,
        transferred_from=row.queue_prefix,
        window_no=None,
        staff_no=None,
        called_at=None,
        started_at=None,
        recall_count=0,
    )
    events: list[tuple[str, dict[str, Any]]] = [("queue.changed", {"queue": row.queue_prefix})]
    if new_queue != row.queue_prefix:
        events.append(("queue.changed", {"queue": new_queue}))
    events.append(("window.changed", {"window_no": row.window_no}))
    if target is not None:
        events.append(("window.changed", {"window_no": target}))
    return _finish_action(conn, ctx, "transfer", row, new, row.window_no, events)


def cancel(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
    row = _ticket_for(conn, ctx, ticket_id)
    to = _guard_ticket(conn, ctx, "cancel", row)
    new = _set(conn, row, status=to)
    events = [("queue.changed", {"queue": row.queue_prefix})]
    return _finish_action(conn, ctx, "cancel", row, new, None, events)


def reactivate(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
    """A missed ticket waits again, keeping its place by arrival time."""
    row = _ticket_for(conn, ctx, ticket_id)
    to = _guard_ticket(conn, ctx, "reactivate", row)
    new = _set(conn, row, status=to, window_no=None, staff_no=None, called_at=None, recall_count=0)
    events = [("queue.changed", {"queue": row.queue_prefix})]
    return _finish_action(conn, ctx, "reactivate", row, new, row.window_no, events)


TICKET_ACTIONS = {
    "recall": recall,
    "no-show": no_show,
    "start": start,
    "finish": finish,
    "hold": hold,
    "call-back": call_back,
    "cancel": cancel,
    "reactivate": reactivate,
}
