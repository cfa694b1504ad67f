"""PostgreSQL: a group's ticket steps (no-show, start, finish, …) read their tickets ahead, all
in one round trip.

A ticket step reads its ticket (with the window its actor is signed on at), checks who may take
it and the state machine, then changes it by compare-and-set on the status it read. One by one,
each step in a group cost three round trips on the writer's connection: the read, the
compare-and-set, and its audit row and kept answer with the move to the next savepoint. Here
a run of steps reads every ticket in one pipeline; each step then runs as always
(central.ticket_steps) on the row read for it; the run's compare-and-sets, audit rows and kept
answers go together at its end (central.pg_group).

The reads are taken before any step of the run changes anything, so a run holds each ticket
once: a second step on the same ticket starts a run of its own, after the first. Each step's
compare-and-set is held, as its audit row and kept answer are, and the step goes on with the
row as the compare-and-set will leave it: the whole run is then two round trips. A step refused
before its compare-and-set changed nothing; one that fails after it, or a compare-and-set that
finds its ticket changed since it was read (another instance's step), takes the run back, to go
one by one (central.pg_group), where every step keeps or loses its own work alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import Connection

from central.context import Actor
from central.direct_statement import driver_error
from central.pg_call_ahead import SAVEPOINT

# In conn.info while a step read ahead runs (central.pg_group); and set by a step's
# compare-and-set once it changed its ticket (central.ticket_steps).
TICKET_AHEAD = "counter_ticket_ahead"
CHANGED = "counter_ticket_changed"
# In conn.info during a run of steps read ahead: the list the steps' compare-and-sets are
# held in, sent with the run's audit rows and kept answers (central.pg_group). Each must
# change its one row (the ticket still in the status the step read), or it fails and the run
# goes again one by one, where the step that lost is refused as always.
HOLD_CHANGES = "counter_hold_changes"
MISSING = object()


@dataclass(frozen=True)
class StepAhead:
    """What the writer needs to know of a ticket step before running it."""

    ticket_id: int
    staff_no: str

    KEY: ClassVar[str] = TICKET_AHEAD
    HOLDS_CHANGES: ClassVar[bool] = True  # its compare-and-sets wait for the run's end

    def joins(self, run: Sequence[Any]) -> bool:
        """Whether this step may go in `run` (the steps before it): not on a ticket it has."""
        return all(other.ticket_id != self.ticket_id for other in run)

    @staticmethod
    def read(conn: Connection, steps: list[StepAhead]) -> list[TicketAhead]:
        return read_ahead(conn, steps)


def step_ahead(actor: Actor, ticket_id: int) -> StepAhead | None:
    """A step by window staff or a supervisor goes ahead (a device's is refused as before)."""
    if actor.role == "device" or not 0 < ticket_id <= 2**63 - 1:
        return None
    return StepAhead(ticket_id, actor.staff_no)


class TicketAhead:
    """One step's ticket row (None: no such ticket), taken once by the step."""

    __slots__ = ("row", "staff_no", "ticket_id")

    def __init__(self, ticket_id: int, staff_no: str, row: Any) -> None:
        self.ticket_id, self.staff_no, self.row = ticket_id, staff_no, row

    def changed(self, conn: Connection) -> bool:
        """Whether the step changed its ticket (a failure after that may leave it changed)."""
        return bool(conn.info.get(CHANGED))


def read_ahead(conn: Connection, steps: list[StepAhead]) -> list[TicketAhead]:
    """After opening SAVEPOINT (the run's undo point), every step's ticket and its actor's
    window, one statement run once per step on one cursor, all in one round trip."""
    from central.tickets import _DIRECT_TICKET_FOR  # (it reads through this module)

    read = _DIRECT_TICKET_FOR.plan(conn)
    driver: Any = conn.connection.driver_connection
    try:
        with driver.pipeline():
            driver.execute(f"SAVEPOINT {SAVEPOINT}")
            cursor = read.send_many(
                driver, [(s.ticket_id, s.staff_no) for s in steps], returning=True
            )
        found = []
        for step in steps:
            found.append(
                TicketAhead(step.ticket_id, step.staff_no, _DIRECT_TICKET_FOR.fetched(conn, cursor))
            )
            cursor.nextset()
        return found
    except conn.dialect.loaded_dbapi.Error as error:
        raise driver_error(conn, read.sql, [], error) from None


def ticket_read_ahead(conn: Connection, ticket_id: int, staff_no: str) -> Any:
    """The row read ahead for this step's ticket (None: no such ticket), or MISSING."""
    ahead: TicketAhead | None = conn.info.get(TICKET_AHEAD)
    if ahead is None or ahead.ticket_id != ticket_id or ahead.staff_no != staff_no:
        return MISSING
    conn.info.pop(TICKET_AHEAD)
    return ahead.row
