"""A counter action's answer carries what the counter screen shows: the ticket, the window it
was acted on and the queue figures. One key, one request: the terminal needs no re-fetch after
it, nor for the events the action itself raised.

The window and the figures are read right after the commit, in a fresh snapshot, not in the
action's write transaction: the hall's queue figures are the dearest reads a call makes, and
inside the transaction they held the one writer (SQLite) for longer than the call itself.
`event_id` is the last event in that same snapshot, so the figures reflect every event up to
it (the action's own and whatever committed just after). A replayed answer (a repeated
Idempotency-Key) is the kept ticket without them: the terminal then re-reads the window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic_core import from_json, to_json
from sqlalchemy import Connection

from central import tickets as engine
from central.context import Ctx
from central.group_commit import FIGURES, MANY
from central.hall import figures_and_windows, no_window, window_model
from central.pg_step_ahead import step_ahead
from client.models import AtWindow, Ticket, TicketAnswer, Window

Step = Callable[[Connection, Ctx], Ticket | None]


def at_window(conn: Connection, now: datetime, no: int | None) -> AtWindow | None:
    """The window `no` and the queue figures, read in that snapshot order: the figures first
    (on PostgreSQL the figures and the window in one round trip, central.hall)."""
    if no is None:
        return None
    once: dict[Any, Any] | None = conn.info.get(FIGURES)  # a group's answers share reads
    if once is None:
        (queues, event_id), found = figures_and_windows(conn, now, no)
        return AtWindow(window=_one(found, no), queues=queues, event_id=event_id)
    window = None
    if now not in once:  # the group's first answer: the figures with its window(s)
        many = bool(once.get(MANY))  # many windows to answer: every window in one read
        once[now], found = figures_and_windows(conn, now, None if many else no)
        if many:
            once["windows", now] = {w.no: w for w in found}
        else:
            window = _one(found, no)
    queues, event_id = once[now]
    if window is None and ("windows", now) in once:
        window = once["windows", now].get(no)
    return AtWindow(window=window or window_model(conn, no, now), queues=queues, event_id=event_id)


def _one(found: list[Window], no: int) -> Window:
    """The window read (as window_model: NotFound when there is none)."""
    if not found:
        raise no_window(no)
    return found[0]


class _Kept(TicketAnswer):
    """The answer as the write transaction keeps it (with the Idempotency-Key): the ticket
    and the window to answer with. Never sent: `complete` turns it into a TicketAnswer."""

    answer_window: int | None = None


def complete(conn: Connection, now: datetime, kept: str) -> str:
    """The kept answer, completed with its window and the queue figures as they are now.

    The kept body is what `_Answered` wrote through `_Kept` (a valid ticket), so it is read as
    plain JSON and not validated again: the ticket's fields go out as kept, and only the window
    part is a model to serialise (a burst of calls completes a hundred answers a second)."""
    ticket = from_json(kept)
    no = ticket.pop("answer_window", None)
    ticket.pop("at_window", None)
    where = at_window(conn, now, no)
    ticket["at_window"] = where  # a model: serialised as its own model_dump_json would
    return to_json(ticket, by_alias=False).decode()


class _Answered:
    """A ticket step (called in the write transaction) whose answer names the window `where`
    gives; central.idempotency calls `finish` (= `complete`) after the commit."""

    finish = staticmethod(complete)

    def __init__(
        self,
        step: Step,
        where: Callable[[Connection, Ticket], int | None] | None = None,
        ahead: Callable[[Ctx], Any] | None = None,
    ) -> None:
        self.step = step
        self.where = where
        self.ahead = ahead  # what a writer may read ahead for it (central.pg_call_ahead)

    def __call__(self, conn: Connection, ctx: Ctx) -> TicketAnswer | None:
        ticket = self.step(conn, ctx)
        if ticket is None:
            return None
        window = self.where(conn, ticket) if self.where is not None else None
        return _Kept(**ticket.model_dump(), answer_window=window)


def answered_at(
    step: Step,
    window_no: Callable[[Connection, Ticket], int | None],
    ahead: Callable[[Ctx], Any] | None = None,
) -> Callable[[Connection, Ctx], TicketAnswer | None]:
    """`step`, answered with the window `window_no` names (given the ticket after the step);
    `ahead`, given the request, says what the writer may read ahead for it."""
    return _Answered(step, window_no, ahead)


class _OnTicket(_Answered):
    """A step on one ticket, answered with the window the ticket was at before it (a transfer
    or a no-show takes it away from that window). The step's own read of the ticket notes
    that window (central.tickets.WINDOW_BEFORE): the ticket is not read a second time."""

    def __init__(self, ticket_id: int, step: Callable[[Connection, Ctx, int], Ticket]) -> None:
        super().__init__(
            lambda conn, ctx: step(conn, ctx, ticket_id),
            self._window,
            lambda ctx: step_ahead(ctx.actor, ticket_id),
        )

    def __call__(self, conn: Connection, ctx: Ctx) -> TicketAnswer | None:
        conn.info.pop(engine.WINDOW_BEFORE, None)  # a group's previous step noted its own
        return super().__call__(conn, ctx)

    def _window(self, conn: Connection, ticket: Ticket) -> int | None:
        before: int | None = conn.info.pop(engine.WINDOW_BEFORE, None)
        return before if before is not None else ticket.window_no


def ticket_step(
    ticket_id: int, step: Callable[[Connection, Ctx, int], Ticket]
) -> Callable[[Connection, Ctx], TicketAnswer | None]:
    """`step` on ticket `ticket_id`, answered with the window it was at before the step."""
    return _OnTicket(ticket_id, step)
