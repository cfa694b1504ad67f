"""The ticket steps after a call (DESIGN.md §2): recall, no-show, start, finish, hold, call back,
transfer, and the supervisor's cancel and reactivate. Each checks who may take it and the state
machine (central.tickets.TRANSITIONS), changes the row by compare-and-set on the status it read,
and writes its audit row and events in the caller's write transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, func, literal_column, select

from central import audit, rollups
from central.context import Ctx
from central.direct_statement import DirectStatement
from central.errors import Conflict, Forbidden, Invalid, require_text
from central.events import emit_many
from central.hall import ticket_model
from central.pg_step_ahead import CHANGED, HOLD_CHANGES
from central.schema import tickets
from central.tickets import (
    _QUEUE,
    _SET,
    _SET_RETURNING,
    SUPERVISOR_ONLY,
    TRANSITIONS,
    _snapshot,
    _ticket,
    _ticket_for,
    next_status,
)
from central.windows import require_open_window, window_exists, window_state
from client.models import Ticket

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


# The compare-and-set of each set of columns a step changes, RETURNING the row, straight
# through the driver (central.direct_statement); built on a step's first use.
_SETS: dict[tuple[str, ...], DirectStatement] = {}


def _set_statement(columns: tuple[str, ...]) -> DirectStatement:
    found = _SETS.get(columns)
    if found is None:
        values = {name: bindparam(name, type_=tickets.c[name].type) for name in columns}
        found = DirectStatement(_SET_RETURNING.values(values), ("b_id", "b_status", *columns))
        _SETS[columns] = found
    return found


# The same, held in a PostgreSQL run of steps (central.pg_step_ahead): it fails (a division by
# zero) when it changed no row, so that the run's statements after it are not run and the run
# goes again one by one.
_HELD_SETS: dict[tuple[str, ...], Any] = {}


def _held_set(columns: tuple[str, ...]) -> Any:
    found = _HELD_SETS.get(columns)
    if found is None:
        values = {name: bindparam(name, type_=tickets.c[name].type) for name in columns}
        changed = _SET.values(values).returning(tickets.c.id).cte("changed")
        count = select(func.count()).select_from(changed).scalar_subquery()
        found = _HELD_SETS[columns] = select(literal_column("1") / count)
    return found


def _set(conn: Connection, row: Any, **values: Any) -> Any:
    """Compare-and-set: change the ticket only if nobody changed its status meanwhile."""
    held = conn.info.get(HOLD_CHANGES)
    if held is not None:  # sent with the run's rows, each checked to change its ticket
        params = {"b_id": row.id, "b_status": row.status, **values}
        held.append((_held_set(tuple(values)), [params]))
        conn.info[CHANGED] = True  # a failure from here on takes the run back
        return row._replace(**values)
    fresh: Any = None
    if conn.dialect.update_returning:
        statement = _set_statement(tuple(values))
        fresh = statement.first(conn, row.id, row.status, *values.values())
    elif conn.execute(_SET, {"b_id": row.id, "b_status": row.status, **values}).rowcount == 1:
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
