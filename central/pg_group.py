"""PostgreSQL: a group's writes, each in its own savepoint, in fewer round trips.

central.group_commit runs every write of a group in a savepoint of its own. On SQLite the
savepoints and inserts are calls into the library; on PostgreSQL each statement is a round
trip, and each round trip hands the interpreter lock to the event loop and back. A call-next
was eight of them: SAVEPOINT, the window's lock and its read, the claim, the audit row, the
kept answer, RELEASE (and its events, stored at the group's end). Here:

- the group opens one savepoint; between two writes it is released and the next one opened;
- the rows a write appends and reads nothing back from (its audit row, its kept answer:
  central.direct_insert) are held, and sent in the same round trip as that release and open
  (a pipeline: the inserts, RELEASE, SAVEPOINT, one sync). They still run inside the write's
  own savepoint: a repeated Idempotency-Key fails that write alone, as before;
- the last write's savepoint is left to the COMMIT, which keeps it like a released one;
- a write that fails is rolled back to its savepoint, which PostgreSQL keeps open: the next
  write runs in it as it is.
So a call-next is five round trips (the claim reads and claims in one: central.call_claim) and
a ticket step four. Every write still keeps or loses its own work alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from central.call_claim import ClaimLater
from central.direct_insert import SEND_LATER
from central.direct_statement import driver_error
from central.events import forget_pending, pending_count

if TYPE_CHECKING:
    from central.group_commit import Job

_OPEN = "SAVEPOINT counter_one"
_RELEASE = "RELEASE SAVEPOINT counter_one"
_NEXT = f"{_RELEASE}; {_OPEN}"  # two statements, one simple query: one round trip
_UNDO = "ROLLBACK TO SAVEPOINT counter_one"
Held = list[tuple[Any, list[dict[str, Any]]]]  # (Core INSERT, its rows)


def write_each(driver: Any, conn: Connection, batch: list[Job]) -> list[Job]:
    """Run every job of `batch` in its own savepoint; the jobs to put off to the next group."""
    from central.group_commit import _lock_conflict

    later: list[Job] = []
    held: Held = []
    conn.info[SEND_LATER] = held
    try:
        driver.execute(_OPEN)
        for n, job in enumerate(batch):
            events = pending_count(conn)  # PostgreSQL stores a transaction's events at its end
            try:
                job.outcome = job.keep(conn)
                _send(driver, conn, held, then_next=n + 1 < len(batch))
            except Exception as error:
                held.clear()
                job.error = error
                if isinstance(error, ClaimLater) or _lock_conflict(error):
                    later.append(job)
                try:
                    driver.execute(_UNDO)
                except Exception:
                    # A broken transaction has no savepoint left: the whole group fails with
                    # the write's own error (what the hall is told), not the savepoint's.
                    raise error from None
                forget_pending(conn, events)
    finally:
        conn.info.pop(SEND_LATER, None)
    return later


def _send(driver: Any, conn: Connection, held: Held, *, then_next: bool) -> None:
    """The write's held rows and, when another write follows, the move to its savepoint: one
    round trip. A failure is the write's own (nothing after the failed statement ran)."""
    if not held:
        if then_next:
            driver.execute(_NEXT)
        return
    sent = [_compiled(conn, statement, rows) for statement, rows in held]
    held.clear()
    try:
        with driver.pipeline():
            for sql, params in sent:
                if len(params) == 1:
                    driver.execute(sql, params[0])
                else:
                    driver.cursor().executemany(sql, params)
            if then_next:
                driver.execute(_RELEASE)
                driver.execute(_OPEN)
    except conn.dialect.loaded_dbapi.Error as error:
        # As the engine would raise it (IntegrityError …), without the values in its text:
        # the kept answer holds ID numbers and phones.
        raise driver_error(
            conn,
            "; ".join(sql for sql, _ in sent),
            [p for _, params in sent for p in params],
            error,
        ) from None


_COMPILED: dict[int, tuple[Any, str, dict[str, Any]]] = {}


def _compiled(conn: Connection, statement: Any, rows: list[dict[str, Any]]) -> Any:
    """The INSERT's SQL for the driver and its rows converted by the columns' own types (UTC
    datetimes, JSON), as SQLAlchemy would send them; compiled once per statement."""
    found = _COMPILED.get(id(statement))
    if found is None or found[0] is not statement:
        compiled: Any = statement.compile(dialect=conn.dialect)
        found = (statement, compiled.string, compiled._bind_processors)
        _COMPILED[id(statement)] = found
    _statement, sql, processors = found
    params = [
        {k: (v if (convert := processors.get(k)) is None else convert(v)) for k, v in row.items()}
        for row in rows
    ]
    return sql, params
