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
from sqlalchemy.exc import DBAPIError

from central.call_claim import ClaimLater
from central.direct_insert import SEND_LATER
from central.direct_statement import driver_error
from central.events import forget_pending, pending_count
from central.pg_call_ahead import SAVEPOINT
from central.pg_step_ahead import CHANGED, HOLD_CHANGES

if TYPE_CHECKING:
    from central.group_commit import Job

_OPEN = "SAVEPOINT counter_one"
_RELEASE = "RELEASE SAVEPOINT counter_one"
_UNDO = "ROLLBACK TO SAVEPOINT counter_one"
Held = list[tuple[Any, list[dict[str, Any]]]]  # (Core INSERT, its rows)


def write_each(driver: Any, conn: Connection, batch: list[Job]) -> list[Job]:
    """Run every job of `batch` in arrival order, each keeping or losing its own work alone;
    the jobs to put off to the next group. A run of clerks' call-nexts, or of ticket steps,
    goes ahead together (central.pg_call_ahead, central.pg_step_ahead); the other writes each
    in their own savepoint."""
    later: list[Job] = []
    held: Held = []
    conn.info[SEND_LATER] = held
    try:
        start = 0
        while start < len(batch):
            end, kind = start + 1, type(batch[start].ahead)
            while end < len(batch) and _joins(batch[end].ahead, kind, batch[start:end]):
                end += 1
            run, last = batch[start:end], end == len(batch)
            if batch[start].ahead is None or not _ahead(driver, conn, held, run, later):
                later += _one_by_one(driver, conn, held, run, last=last)
            start = end
    finally:
        conn.info.pop(SEND_LATER, None)
    return later


def _joins(ahead: Any, kind: Any, run: list[Job]) -> bool:
    """Whether a job read ahead as `ahead` goes on in `run` (jobs of `kind`)."""
    if type(ahead) is not kind:
        return False
    return ahead is None or bool(ahead.joins([job.ahead for job in run]))


def _one_by_one(
    driver: Any, conn: Connection, held: Held, run: list[Job], *, last: bool
) -> list[Job]:
    """Each job of `run` in its own savepoint; the last one's is left to the COMMIT when
    nothing follows `run` in the group."""
    from central.group_commit import _lock_conflict

    later: list[Job] = []
    driver.execute(_OPEN)
    for n, job in enumerate(run):
        events = pending_count(conn)  # PostgreSQL stores a transaction's events at its end
        after = (_RELEASE, _OPEN) if n + 1 < len(run) else () if last else (_RELEASE,)
        try:
            job.outcome = job.keep(conn)
            _send(driver, conn, held, after)
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
            if n + 1 == len(run) and not last:
                driver.execute(_RELEASE)
    return later


def _ahead(driver: Any, conn: Connection, held: Held, run: list[Job], later: list[Job]) -> bool:
    """`run`, jobs read ahead alike (call-nexts or ticket steps), read in one round trip,
    their steps run on what was read, and their held rows sent in one more. False, with
    nothing of `run` left in the transaction, when a step failed after it changed a row or a
    statement failed: `run` is then to go one by one (where every write keeps or loses its
    own work alone, as always)."""
    from central.group_commit import _lock_conflict

    events, key = pending_count(conn), run[0].ahead.KEY
    try:
        reads = run[0].ahead.read(conn, [job.ahead for job in run])
    except Exception:
        return _undo(driver, conn, held, events, run, later)
    put_off: list[Job] = []
    if run[0].ahead.HOLDS_CHANGES:  # its steps' compare-and-sets go with the run's rows
        conn.info[HOLD_CHANGES] = held
    try:
        for job, ahead in zip(run, reads, strict=True):
            mine, rows = pending_count(conn), len(held)
            conn.info[key] = ahead
            conn.info.pop(CHANGED, None)
            try:
                job.outcome = job.keep(conn)
            except Exception as error:
                if ahead.changed(conn) or isinstance(error, DBAPIError):
                    return _undo(driver, conn, held, events, run, later)
                job.error = error  # refused on what was read: it changed nothing
                del held[rows:]
                forget_pending(conn, mine)
                if isinstance(error, ClaimLater) or _lock_conflict(error):
                    put_off.append(job)
            finally:
                conn.info.pop(key, None)
                conn.info.pop(CHANGED, None)
    finally:
        conn.info.pop(HOLD_CHANGES, None)
    try:
        _send(driver, conn, held, (f"RELEASE SAVEPOINT {SAVEPOINT}",), together=True)
    except Exception:
        return _undo(driver, conn, held, events, run, later)
    later += put_off
    return True


def _undo(
    driver: Any, conn: Connection, held: Held, events: int, run: list[Job], later: list[Job]
) -> bool:
    """Take the whole of `run` back to its savepoint, to go again one by one."""
    held.clear()
    driver.execute(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}")
    forget_pending(conn, events)
    for job in run:
        job.outcome, job.error = None, None
    return False


def _send(
    driver: Any, conn: Connection, held: Held, after: tuple[str, ...], *, together: bool = False
) -> None:
    """The held rows and the statements `after` (the move to the next savepoint …): one
    round trip. A failure is the write's own (nothing after the failed statement ran).
    `together`: the rows of one INSERT sent as one batch, whichever write held them."""
    if not held:
        if after:
            driver.execute("; ".join(after))
        return
    entries = _merged(held) if together else held
    sent = [_compiled(conn, statement, rows) for statement, rows in entries]
    held.clear()
    try:
        with driver.pipeline():
            for sql, params in sent:
                if len(params) == 1:
                    driver.execute(sql, params[0])
                else:
                    driver.cursor().executemany(sql, params)
            for statement in after:
                driver.execute(statement)
    except conn.dialect.loaded_dbapi.Error as error:
        # As the engine would raise it (IntegrityError …), without the values in its text:
        # the kept answer holds ID numbers and phones.
        raise driver_error(
            conn,
            "; ".join(sql for sql, _ in sent),
            [p for _, params in sent for p in params],
            error,
        ) from None


def _merged(held: Held) -> Held:
    """The held rows by statement (an INSERT, a held compare-and-set), in the order each
    statement was first held."""
    by: dict[int, tuple[Any, list[dict[str, Any]]]] = {}
    for statement, rows in held:
        by.setdefault(id(statement), (statement, []))[1].extend(rows)
    return list(by.values())


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
