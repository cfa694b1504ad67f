"""Interventions at a window beyond call-next: call one named ticket (叫指定号), move a waiting
ticket to another queue or window. (Which queues a window serves is set in central.windows.)

Each runs in the caller's write transaction with the same compare-and-set claims as the queue
engine, writes its audit row and its events, and refuses with one sentence when it does not apply.
A clerk may call a named ticket only at their own window and only from queues that window serves
(or one transferred to it); a supervisor may call any waiting ticket to any signed-on window.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, bindparam, select

from central import audit
from central import ticket_steps as steps
from central import tickets as engine
from central import windows as window_steps
from central.context import Ctx
from central.errors import Conflict, Forbidden, Invalid, NotFound
from central.events import emit_many
from central.hall import ticket_model
from central.hall_time import service_day
from central.schema import tickets, window_queues
from client.models import Ticket

_BY_NUMBER = select(tickets.c.id).where(
    tickets.c.number == bindparam("b_number"), tickets.c.service_day == bindparam("b_day")
)
_SERVES = select(window_queues.c.queue_prefix).where(
    and_(
        window_queues.c.window_no == bindparam("b_no"),
        window_queues.c.queue_prefix == bindparam("b_prefix"),
    )
)


def find_ticket_id(conn: Connection, ctx: Ctx, ticket_id: int | None, number: str | None) -> int:
    """The id of the ticket named by id, or by today's number (A012)."""
    if (ticket_id is None) == (number is None or not number.strip()):
        raise Invalid(
            "Give exactly one of ticket_id or number (e.g. A012).",
            fields={"number": "exactly one of ticket_id, number"},
            reason="give_ticket_id_or_number",
        )
    if ticket_id is not None:
        return ticket_id
    assert number is not None
    wanted = number.strip().upper()
    found = conn.execute(_BY_NUMBER, {"b_number": wanted, "b_day": service_day(ctx.now)}).scalar()
    if found is None:
        raise NotFound(
            f"No ticket {wanted} was issued today.",
            reason="no_ticket_today",
            params={"number": wanted},
        )
    return int(found)


# A citizen who missed their call and came back is called by name too (过号 → called).
CALLABLE = ("waiting", "missed")


def call_ticket(
    conn: Connection,
    ctx: Ctx,
    window_no: int,
    ticket_id: int | None,
    number: str | None,
    why: str = "",
) -> Ticket:
    """Call one named waiting or missed ticket to a window (叫指定号), out of call order; `why`
    goes into the audit trail with it."""
    window = window_steps.window_state(conn, window_no)
    actor = window_steps.guard_window(conn, ctx, window, "call tickets")
    window_steps.require_open_window(window, "call_named")
    row = engine._ticket(conn, find_ticket_id(conn, ctx, ticket_id, number))
    if row.status not in CALLABLE:
        engine.next_status("call", row.number, row.status)  # the sentence saying why not
    if not actor.is_supervisor:
        if row.target_window is not None and row.target_window != window_no:
            raise Forbidden(
                f"Ticket {row.number} waits for window {row.target_window}; "
                "only a supervisor can call it elsewhere.",
                reason="ticket_waits_for_other_window",
                params={"number": row.number, "window_no": row.target_window},
            )
        served = conn.execute(_SERVES, {"b_no": window_no, "b_prefix": row.queue_prefix}).first()
        if row.target_window is None and served is None:
            raise Forbidden(
                f"Window {window_no} does not serve queue {row.queue_prefix}; "
                f"only a supervisor can call {row.number} here.",
                reason="window_not_serving_queue",
                params={"window_no": window_no, "queue": row.queue_prefix, "number": row.number},
            )
    claim = engine.called_values(window_no, window.staff_no, ctx.now)
    # Compare-and-set on the status read above: a window that called it meanwhile wins.
    model = ticket_model(steps._set(conn, row, **claim))
    audit.record(
        conn,
        ctx,
        "ticket.call_named",
        "ticket",
        row.id,
        before=engine._snapshot(row),
        after={**model.model_dump(mode="json"), "reason": why},
        window_no=window_no,
    )
    engine.announce_call(conn, ctx, row, window_no)
    return model


# --- a supervisor moves a waiting ticket ---------------------------------------------------------


def move_waiting(
    conn: Connection, ctx: Ctx, ticket_id: int, queue: str | None, window_no: int | None
) -> Ticket:
    """A waiting ticket keeps its place by arrival but waits in another queue or for one window."""
    actor = ctx.actor
    if not actor.is_supervisor:
        raise Forbidden("Only a supervisor can move a waiting ticket.", reason="supervisor_moves")
    if (queue is None) == (window_no is None):
        raise Invalid(
            "Give exactly one of queue or window_no to move the ticket to.",
            fields={"queue": "exactly one of queue, window_no"},
            reason="move_queue_or_window",
        )
    row = engine._ticket(conn, ticket_id)
    if row.status != "waiting":
        raise Conflict(
            f"Ticket {row.number} is {row.status}; only a waiting ticket can be moved.",
            reason="move_only_waiting",
            params={"number": row.number, "status": row.status},
        )
    new_queue, target = row.queue_prefix, None
    if queue is not None:
        new_queue = queue.strip().upper()
        if conn.execute(engine._QUEUE, {"b_prefix": new_queue}).first() is None:
            raise Invalid(
                f"There is no queue {queue!r}.",
                fields={"queue": "unknown queue"},
                reason="no_queue",
                params={"queue": queue},
            )
        if new_queue == row.queue_prefix and row.target_window is None:
            raise Conflict(
                f"Ticket {row.number} already waits in queue {new_queue}.",
                reason="move_already_in_queue",
                params={"number": row.number, "queue": new_queue},
            )
    else:
        assert window_no is not None
        window_steps.find_window(conn, window_no)
        if row.target_window == window_no:
            raise Conflict(
                f"Ticket {row.number} already waits for window {window_no}.",
                reason="move_already_for_window",
                params={"number": row.number, "window_no": window_no},
            )
        target = window_no
    new = steps._set(
        conn,
        row,
        queue_prefix=new_queue,
        target_window=target,
        transferred_from=row.queue_prefix,
    )
    model = ticket_model(new)
    audit.record(
        conn,
        ctx,
        "ticket.move",
        "ticket",
        row.id,
        before=engine._snapshot(row),
        after=model.model_dump(mode="json"),
    )
    batch: list[tuple[str, dict[str, object]]] = [("queue.changed", {"queue": row.queue_prefix})]
    if new_queue != row.queue_prefix:
        batch.append(("queue.changed", {"queue": new_queue}))
    if target is not None:
        batch.append(("window.changed", {"window_no": target}))
    emit_many(conn, ctx, batch)
    return model
