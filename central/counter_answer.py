"""A counter action's answer carries what the counter screen shows: the ticket, the window it
was acted on and the queue figures, read in the action's own transaction. One key, one request:
the terminal needs no re-fetch after it, nor for the events the action itself raised."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from central import tickets as engine
from central.context import Ctx
from central.events import last_event_id
from central.hall import queue_stats, window_model
from client.models import AtWindow, Ticket, TicketAnswer

Step = Callable[[Connection, Ctx], Ticket | None]


def at_window(conn: Connection, ctx: Ctx, no: int | None) -> AtWindow | None:
    if no is None:
        return None
    return AtWindow(
        window=window_model(conn, no, ctx.now),
        queues=queue_stats(conn, ctx.now),
        event_id=last_event_id(conn),
    )


def answered_at(
    step: Step, window_no: Callable[[Connection, Ticket], int | None]
) -> Callable[[Connection, Ctx], TicketAnswer | None]:
    """`step`, answered with the window `window_no` names (given the ticket after the step)."""

    def run(conn: Connection, ctx: Ctx) -> TicketAnswer | None:
        ticket = step(conn, ctx)
        if ticket is None:
            return None
        where = at_window(conn, ctx, window_no(conn, ticket))
        return TicketAnswer(**ticket.model_dump(), at_window=where)

    return run


def ticket_step(
    ticket_id: int, step: Callable[[Connection, Ctx, int], Ticket]
) -> Callable[[Connection, Ctx], TicketAnswer | None]:
    """A step on one ticket, answered with the window the ticket was at before it (a transfer
    or a no-show takes it away from that window)."""

    def run(conn: Connection, ctx: Ctx) -> TicketAnswer | None:
        before = engine.get_ticket(conn, ticket_id).window_no
        ticket = step(conn, ctx, ticket_id)
        where = at_window(conn, ctx, before if before is not None else ticket.window_no)
        return TicketAnswer(**ticket.model_dump(), at_window=where)

    return run
