"""PostgreSQL: a group's call-nexts read and claim ahead, all in one round trip.

A call-next is, in the database, three statements: lock the window, read its state, claim the
first free ticket of its call order. Sent one call-next after another, each waited for its
answers (the window's checks run in Python between the read and the claim), and a burst of a
hundred windows was three hundred round trips on the one writer connection, each a hand-over
of the interpreter lock and a wake-up of PostgreSQL's backend: the writer spent more time
waiting than either side spent working.

Here the claim carries the window's checks itself (central.call_claim's `guard`: the window is
signed on by this clerk, not paused, has no ticket called or in service), so nothing in it
waits on Python, and a run of call-nexts is sent as one pipeline: for each, in arrival order,
the lock, the read and the guarded claim; one sync. Each statement still runs after the ones
before it, in its own snapshot (READ COMMITTED): a window's second call-next in the group sees
the first one's ticket and claims nothing, as when they ran one after another.

Then each call-next's own step runs as always (central.tickets.call_next), given the window
and the claim read ahead instead of reading them itself: the same checks, refusals, audit row,
events and kept answer. Its guard in SQL and its checks in Python say the same thing, so a
refused step has claimed nothing. Only clerks' call-nexts go ahead (a supervisor may call at
any window: theirs runs as before).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    ARRAY,
    Connection,
    Integer,
    String,
    any_,
    bindparam,
    exists,
    literal_column,
    select,
    true,
)

from central import windows as window_steps
from central.call_claim import (
    _SET_NAMES,
    CANDIDATES,
    CLAIMED,
    FOUND,
    _pg_read_and_claim_stmt,
    claim_next,
)
from central.context import Actor
from central.direct_statement import DirectStatement, driver_error
from central.hall import ACTIVE
from central.schema import tickets, windows

# In conn.info while a call-next read ahead runs its step (central.pg_group).
AHEAD = "counter_call_ahead"
SAVEPOINT = "counter_ahead"  # opened before a run's reads: its undo point
_USED = object()


@dataclass(frozen=True)
class CallAhead:
    """What the writer needs to know of a call-next before running its step."""

    window_no: int
    staff_no: str  # the clerk calling, who must be signed on at the window
    now: datetime

    KEY: ClassVar[str] = AHEAD
    HOLDS_CHANGES: ClassVar[bool] = False  # its claim is made in the read itself

    def joins(self, run: Sequence[Any]) -> bool:
        """Any call may go in a run of calls (a window's second call sees its first)."""
        return True

    @staticmethod
    def read(conn: Connection, calls: list[CallAhead]) -> list[Ahead]:
        return read_ahead(conn, calls)


def call_ahead(actor: Actor, window_no: int, now: datetime) -> CallAhead | None:
    """A clerk's call-next goes ahead; anyone else's runs as any other write."""
    if actor.role != "clerk" or not 0 <= window_no <= window_steps.MAX_DB_INT:
        return None
    return CallAhead(window_no, actor.staff_no, now)


class Ahead:
    """One call-next's window state and claim, read ahead; each taken once by its step."""

    __slots__ = ("claim", "state", "window_no", "wrote")

    def __init__(self, window_no: int, state: Any, claim: Any) -> None:
        self.window_no, self.state, self.claim = window_no, state, claim
        self.wrote = False  # its claim was taken (a failure after it may leave a ticket called)

    def changed(self, conn: Connection) -> bool:
        """Whether this call-next may have changed a row: its claim was taken, or claimed a
        ticket (say the window changed in another process between the read and the claim,
        and the step refused on what it read)."""
        claim = self.claim
        return self.wrote or (claim is not _USED and claim is not None and claim.id is not None)


_busy = tickets.alias("busy")
# The window's checks for a clerk's call-next (central.windows.guard_window and
# require_open_window), as SQL: signed on by this clerk, not paused, nothing called or in service.
_WINDOW_OPEN = exists(
    select(windows.c.no).where(
        windows.c.no == bindparam("b_window"),
        windows.c.staff_no == bindparam("b_staff"),
        windows.c.pause_reason.is_(None),
        ~exists(
            select(_busy.c.id).where(
                _busy.c.window_no == bindparam("b_window"),
                _busy.c.status.in_([literal_column(f"'{s}'", String()) for s in ACTIVE]),
            )
        ),
    )
)
_claim = _pg_read_and_claim_stmt(CANDIDATES, guard=_WINDOW_OPEN)
_CLAIM_WIDTH = len(_claim.selected_columns)
# The window's state read in the same statement (after the lock: a statement of its own, sent
# before it, whose holder's commits this one's snapshot then sees), its columns named w_….
_state = window_steps.state_of(bindparam("b_window")).subquery("w")
_READ_AND_CLAIM = DirectStatement(
    _claim.add_columns(*(c.label(f"w_{c.key}") for c in _state.c)).outerjoin(_state, true()),
    ("b_window", "b_now", *_SET_NAMES, "b_staff"),
)
# Every window of a run locked in one statement, in window order.
_LOCK_WINDOWS = DirectStatement(
    select(windows.c.no)
    .where(windows.c.no == any_(bindparam("b_nos", type_=ARRAY(Integer))))
    .order_by(windows.c.no)
    .with_for_update(),
    ("b_nos",),
)
_ROWS: dict[str, tuple[Any, Any]] = {}  # per dialect: the claim's and the state's row types


def _row_types(conn: Connection) -> tuple[Any, Any]:
    found = _ROWS.get(conn.dialect.name)
    if found is None:
        fields = _READ_AND_CLAIM.plan(conn).row._fields[:_CLAIM_WIDTH]
        state_row = window_steps.DIRECT_STATE.plan(conn).row
        found = _ROWS[conn.dialect.name] = (namedtuple("Row", fields), state_row)
    return found


def read_ahead(conn: Connection, calls: list[CallAhead]) -> list[Ahead]:
    """After opening SAVEPOINT (the run's undo point), lock every window of `calls` (one
    statement), then read and claim for each call in order (one statement each, all run on
    one cursor): all in one round trip. Raises the first failing statement's error (the
    transaction then needs a rollback to the savepoint)."""
    from central.tickets import called_values  # (it calls through this module)

    lock, read = _LOCK_WINDOWS.plan(conn), _READ_AND_CLAIM.plan(conn)
    driver: Any = conn.connection.driver_connection
    each = []
    for c in calls:
        claimed = called_values(c.window_no, c.staff_no, c.now)
        each.append((c.window_no, c.now, *(claimed[name] for name in CLAIMED), c.staff_no))
    try:
        with driver.pipeline():
            driver.execute(f"SAVEPOINT {SAVEPOINT}")
            lock.send(driver, ([c.window_no for c in calls],))
            cursor = read.send_many(driver, each, returning=True)
        claim_row, state_row = _row_types(conn)
        aheads = []
        for call in calls:
            row = _READ_AND_CLAIM.fetched(conn, cursor)
            cursor.nextset()
            state = row[_CLAIM_WIDTH:]
            aheads.append(
                Ahead(
                    call.window_no,
                    None if state[0] is None else state_row._make(state),
                    claim_row._make(row[:_CLAIM_WIDTH]),
                )
            )
        return aheads
    except conn.dialect.loaded_dbapi.Error as error:
        raise driver_error(conn, read.sql, [], error) from None


def window_state(conn: Connection, no: int) -> Any:
    """central.windows.window_state, or the state read ahead for this call-next."""
    ahead: Ahead | None = conn.info.get(AHEAD)
    if ahead is None or ahead.window_no != no or ahead.state is _USED:
        return window_steps.window_state(conn, no)
    state, ahead.state = ahead.state, _USED
    return window_steps.found_window(state, no)


def claim(conn: Connection, window_no: int, values: dict[str, Any]) -> Any:
    """central.call_claim.claim_next, or the claim read ahead for this call-next: the claimed
    ticket, or None when nothing waits. When every candidate was being claimed by another
    process's open transaction, it is claimed again now, as claim_next does."""
    ahead: Ahead | None = conn.info.get(AHEAD)
    if ahead is None or ahead.window_no != window_no or ahead.claim is _USED:
        return claim_next(conn, window_no, values)
    answer, ahead.claim = ahead.claim, _USED
    if getattr(answer, FOUND) == 0:
        return None
    if answer.id is not None:
        ahead.wrote = True
        return answer
    row = claim_next(conn, window_no, values)  # put off (ClaimLater), it claimed nothing
    ahead.wrote = row is not None
    return row
