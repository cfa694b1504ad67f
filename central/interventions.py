"""Interventions at a window beyond call-next: call one named ticket (叫指定号), move a waiting
ticket to another queue or window, change which queues a window serves.

Each runs in the caller's write transaction with the same compare-and-set claims as the queue
engine, writes its audit row and its events, and refuses with one sentence when it does not apply.
A clerk may call a named ticket only at their own window and only from queues that window serves
(or one transferred to it); a supervisor may call any waiting ticket to any signed-on window.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, bindparam, select

from central import audit
from central import queue_engine as engine
from central.context import Ctx
from central.errors import Conflict, Forbidden, Invalid, NotFound
from central.events import emit_many
from central.hall_time import service_day
from central.hall_view import ticket_model
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
        )
    if ticket_id is not None:
        return ticket_id
    assert number is not None
    wanted = number.strip().upper()
    found = conn.execute(_BY_NUMBER, {"b_number": wanted, "b_day": service_day(ctx.now)}).scalar()
    if found is None:
        raise NotFound(f"No ticket {wanted} was issued today.")
    return int(found)


def call_ticket(
    conn: Connection, ctx: Ctx, window_no: int, ticket_id: int | None, number: str | None
) -> Ticket:
    """Call one named waiting ticket to a window (叫指定号), out of call order."""
    window = engine._window_state(conn, window_no)
    actor = engine._guard_window(conn, ctx, window, "call tickets")
    if window.staff_no is None:
        raise Conflict(f"Window {window_no} is signed off; a clerk must sign on first.")
    if window.pause_reason is not None:
        raise Conflict(f"Window {window_no} is paused ({window.pause_reason}); resume first.")
    if window.current_number is not None:
        raise Conflict(engine.current_ticket_sentence(window.current_number, window.current_status))
    row = engine._ticket(conn, find_ticket_id(conn, ctx, ticket_id, number))
    engine.next_status("call", row.number, row.status)
    if not actor.is_supervisor:
        if row.target_window is not None and row.target_window != window_no:
            raise Forbidden(
                f"Ticket {row.number} waits for window {row.target_window}; "
                "only a supervisor can call it elsewhere."
            )
        served = conn.execute(_SERVES, {"b_no": window_no, "b_prefix": row.queue_prefix}).first()
        if row.target_window is None and served is None:
            raise Forbidden(
                f"Window {window_no} does not serve queue {row.queue_prefix}; "
                f"only a supervisor can call {row.number} here."
            )
    claim = {
        "status": "called",
        "window_no": window_no,
        "staff_no": window.staff_no,
        "called_at": ctx.now,
        "recall_count": 0,
    }
    params = {"b_id": row.id, **claim}
    if conn.execute(engine._CLAIM, params).rowcount != 1:
        raise Conflict(f"Ticket {row.number} was just called elsewhere; refresh and retry.")
    model = ticket_model(engine._ticket(conn, row.id))
    audit.record(
        conn,
        ctx,
        "ticket.call_named",
        "ticket",
        row.id,
        before=engine._snapshot(row),
        after=model.model_dump(mode="json"),
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
