"""The queue engine: the ticket state machine of DESIGN.md §2, call order, call-next (the window
steps and the guards they share are in central.windows).

Pure rules first (transitions, numbering, call order), then the database operations. Every
operation runs inside the caller's write transaction (Store.write: BEGIN IMMEDIATE on SQLite),
changes rows with compare-and-set updates (`… WHERE status = <expected>`, checking the row
count), and writes its audit row and events in that same transaction.

Two windows never get the same ticket: call-next picks candidates in call order and claims one
with `UPDATE tickets SET status='called' … WHERE id=:id AND status='waiting'`; a claim that
touches no row lost a race and the next candidate is tried. On PostgreSQL the candidates are
read `FOR UPDATE SKIP LOCKED`; on SQLite the IMMEDIATE transaction already serialises writers.
There is no in-process lock: several server processes may share one database.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    String,
    and_,
    any_,
    bindparam,
    case,
    func,
    insert,
    literal_column,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql

from central import audit, rollups
from central.context import Ctx
from central.day_sequence import next_in_day
from central.errors import Conflict, Forbidden, Invalid, NotFound, require_text
from central.events import emit, emit_many
from central.hall import ticket_model
from central.hall_time import as_utc, service_day
from central.schema import queues, ticket_sequences, tickets, window_queues, windows
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
CANDIDATES = 8  # call-next claims from this many candidates before reading again
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
    """Call order as a sort key (the SQL in call_next orders the same way): green channel first,
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


# Constants written into the SQL, not bound: a partial index (… WHERE status = 'waiting') is only
# usable when the query's own condition is that same literal.
_WAITING = literal_column("'waiting'", String())
_GREEN = literal_column("'green'", String())
_APPOINTMENT = literal_column("'appointment'", String())


def _candidates_stmt() -> Any:
    """call-next's candidates for window :b_window at :b_now, in call order (see call_rank).
    One query over every waiting ticket: PostgreSQL runs it FOR UPDATE SKIP LOCKED, which must
    see all of them (a LIMIT applied before skipping locked rows could find none)."""
    t, wq = tickets, window_queues
    window_no = bindparam("b_window", type_=t.c.window_no.type)
    due = and_(t.c.kind == "appointment", t.c.appointment_at <= bindparam("b_now"))
    # A ticket transferred to this window ranks before the window's own queues.
    priority = case((t.c.target_window == window_no, 0), else_=wq.c.priority)
    return (
        select(t.c.id)
        .select_from(
            t.outerjoin(
                wq, and_(wq.c.queue_prefix == t.c.queue_prefix, wq.c.window_no == window_no)
            )
        )
        .where(
            t.c.status == "waiting",
            or_(
                t.c.target_window == window_no,
                and_(t.c.target_window.is_(None), wq.c.window_no.is_not(None)),
            ),
        )
        .order_by(
            case((t.c.kind == "green", 0), else_=1),
            case((due, 0), else_=1),
            priority,
            t.c.issued_at,
            t.c.id,
        )
        .limit(CANDIDATES)
    )


def _tiered_candidates_stmt() -> Any:
    """The same candidates in the same order, without sorting every waiting ticket (SQLite
    holds its write lock meanwhile). Call order has four disjoint tiers, each read through a
    partial index and cut to CANDIDATES before the small final sort by the full rank:
    green; appointments whose slot has come; transferred to this window; the window's queues,
    CANDIDATES per queue (one queue has one priority at a window, so its best are by arrival)."""
    t, wq = tickets, window_queues
    window_no = bindparam("b_window", type_=t.c.window_no.type)
    now = bindparam("b_now", type_=t.c.appointment_at.type)

    def later(x: Any) -> Any:  # neither green nor a due appointment (NULL slot: not due)
        slot_not_come = or_(x.c.appointment_at.is_(None), x.c.appointment_at > now)
        return and_(x.c.kind != _GREEN, or_(x.c.kind != _APPOINTMENT, slot_not_come))

    def first(tier: Any) -> Any:
        part = tier.order_by("p", t.c.issued_at, t.c.id).limit(CANDIDATES).subquery()
        return select(*part.c)

    rank = case((t.c.target_window == window_no, 0), else_=wq.c.priority).label("p")
    for_window = or_(
        t.c.target_window == window_no,
        and_(t.c.target_window.is_(None), wq.c.window_no.is_not(None)),
    )
    ranked = (
        select(t.c.id, t.c.issued_at, rank)
        .select_from(
            t.outerjoin(
                wq, and_(wq.c.queue_prefix == t.c.queue_prefix, wq.c.window_no == window_no)
            )
        )
        .where(t.c.status == _WAITING, for_window)
    )
    one, zero = literal_column("1", Integer()), literal_column("0", Integer())
    green = ranked.add_columns(zero.label("g"), one.label("d")).where(t.c.kind == _GREEN)
    due = ranked.add_columns(one.label("g"), zero.label("d")).where(
        t.c.kind == _APPOINTMENT, t.c.appointment_at <= now
    )
    transferred = select(
        t.c.id, t.c.issued_at, zero.label("p"), one.label("g"), one.label("d")
    ).where(t.c.status == _WAITING, t.c.target_window == window_no, later(t))
    # Per queue of the window: its first waiting tickets (a correlated subquery, since SQLite
    # has no LATERAL join).
    q = tickets.alias("q")
    firsts = (
        select(q.c.id)
        .where(
            q.c.status == _WAITING,
            q.c.target_window.is_(None),
            q.c.queue_prefix == wq.c.queue_prefix,
            later(q),
        )
        .order_by(q.c.issued_at, q.c.id)
        .limit(CANDIDATES)
        .correlate(wq)
    )
    own_queues = (
        select(t.c.id, t.c.issued_at, wq.c.priority.label("p"), one.label("g"), one.label("d"))
        .select_from(wq.join(t, t.c.id.in_(firsts)))
        .where(wq.c.window_no == window_no)
    )
    tiers = union_all(first(green), first(due), first(transferred), own_queues).subquery("c")
    c = tiers.c
    return select(c.id).order_by(c.g, c.d, c.p, c.issued_at, c.id).limit(CANDIDATES)


_CANDIDATES = _tiered_candidates_stmt()
# Claim one candidate: the compare-and-set that makes two windows never share a ticket.
_CLAIM = update(tickets).where(tickets.c.id == bindparam("b_id"), tickets.c.status == "waiting")
_CLAIM_RETURNING = _CLAIM.returning(*tickets.c)


def _pg_claim_stmt(pick: Any) -> Any:
    """PostgreSQL: claim the ticket `pick` selects (FOR UPDATE SKIP LOCKED: a row another
    window is claiming right now is passed over, not waited for) in one statement."""
    where = (tickets.c.id == pick.scalar_subquery(), tickets.c.status == _WAITING)
    return update(tickets).where(*where).returning(*tickets.c)


_B_IDS = bindparam("b_ids", type_=postgresql.ARRAY(Integer()))
# First the bounded candidates (read like SQLite's, without sorting every waiting ticket)…
_PG_CLAIM_BOUNDED = _pg_claim_stmt(
    select(tickets.c.id)
    .where(tickets.c.id == any_(_B_IDS), tickets.c.status == _WAITING)
    .order_by(func.array_position(_B_IDS, tickets.c.id))
    .limit(1)
    .with_for_update(skip_locked=True)
)
# …and only when every one of them is being claimed by other windows, the full call order.
_PG_CLAIM_ANY = _pg_claim_stmt(
    _candidates_stmt().limit(1).with_for_update(skip_locked=True, of=tickets)
)
_ANY_WAITING = _candidates_stmt().limit(1)


def _is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


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

    returning = conn.dialect.update_returning
    claim = {
        "status": "called",
        "window_no": window_no,
        "staff_no": window.staff_no,
        "called_at": ctx.now,
        "recall_count": 0,
    }
    if _is_postgresql(conn):
        return _pg_call_next(conn, ctx, window_no, claim)
    for _attempt in range(10):
        ids = list(conn.execute(_CANDIDATES, {"b_window": window_no, "b_now": ctx.now}).scalars())
        if not ids:
            return None
        for ticket_id in ids:
            params = {"b_id": ticket_id, **claim}
            if returning:
                row = conn.execute(_CLAIM_RETURNING, params).first()
            elif conn.execute(_CLAIM, params).rowcount == 1:
                row = _ticket(conn, ticket_id)
            else:
                row = None
            if row is not None:
                return _after_call(conn, ctx, row, window_no)
    raise Conflict(
        f"Window {window_no} could not claim a ticket (too busy); call again.",
        reason="window_could_not_claim_ticket",
        params={"window_no": window_no},
    )


def _pg_call_next(
    conn: Connection, ctx: Ctx, window_no: int, claim: dict[str, Any]
) -> Ticket | None:
    """call-next on PostgreSQL (READ COMMITTED: each statement sees every commit before it).

    "Nothing waits" is said only when no candidate is waiting at all: a candidate that other
    windows are claiming at this moment (locked, not yet committed) means "look again".
    """
    params = {"b_window": window_no, "b_now": ctx.now, **claim}
    for attempt in range(200):
        ids = list(conn.execute(_CANDIDATES, params).scalars())
        row = conn.execute(_PG_CLAIM_BOUNDED, {**params, "b_ids": ids}).first() if ids else None
        if row is None and ids:
            row = conn.execute(_PG_CLAIM_ANY, params).first()
        if row is not None:
            return _after_call(conn, ctx, row, window_no)
        if conn.execute(_ANY_WAITING, params).first() is None:
            return None
        time.sleep(0.001 * min(attempt + 1, 10))  # their claims commit in a moment
    raise Conflict(
        f"Window {window_no} could not claim a ticket (too busy); call again.",
        reason="window_could_not_claim_ticket",
        params={"window_no": window_no},
    )


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
    return model


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
