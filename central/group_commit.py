"""The counter's writes that arrive together are committed together.

A burst of call-nexts on SQLite runs one write transaction at a time anyway (on PostgreSQL the
writers of one process queued on the same rows and on the event-order lock). Run one by one,
each paid for its own BEGIN and COMMIT (on PostgreSQL their round trips), two thread
hand-overs (to the writer, then to the pool for its answer), a read transaction for its
answer and the hall's queue figures in it.
Here the one writer thread takes every write waiting (up to BATCH), runs them in arrival order
in one transaction, each in a savepoint of its own (on SQLite one savepoint for the group, see
_write_sqlite), and commits once; then one read transaction
completes all their answers, reading the queue figures once (they are the same for every
answer of the batch: as they stand after its commit). Each request still gets exactly what it
got alone:

- its own outcome: a write that fails (a refusal, a repeated Idempotency-Key) is rolled back
  to its savepoint and the others go on; the caller then looks for the key's first answer;
- nothing is answered before it is committed; when the commit (or the transaction) fails,
  every write of the batch fails with it, none is reported done;
- the writes of a batch are applied in arrival order, each seeing the ones before it: the same
  as running them one after another. A rolled-back write's events go with it (on PostgreSQL,
  where a transaction's events are stored at its end, they are dropped from that list).

Other server processes (more instances, `--workers`) have writers of their own: the
compare-and-set claims (central.call_claim) keep them apart as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from central.call_claim import GROUPED, ClaimLater, too_busy
from central.events import forget_pending, pending_count

if TYPE_CHECKING:
    from central.store import Store

BATCH = 128  # writes per transaction at most: a bound on how long one commit keeps the rest
AGAIN_S = 2.0  # how long a write is put off from group to group (ClaimLater) before refused
# The hall's queue figures, read once per answering read transaction (central.counter_answer).
FIGURES = "counter_figures_once"
# From this many answers in a group, every window is read at once (one read of a hundred
# windows costs about what a dozen single-window reads do).
MANY, MANY_FROM = "many", 12

Outcome = tuple[int, str]  # as central.idempotency: the status and the kept body ("" for none)
Keep = Callable[[Connection], Outcome]
Finish = Callable[[Connection, Any, str], str]


@dataclass(eq=False)
class Job:
    keep: Keep
    finish: Finish | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Outcome] = field(init=False)
    outcome: Outcome | None = None
    error: BaseException | None = None
    later: float = 0.0  # when it was first put off to the next group (monotonic)
    ahead: Any = None  # a call-next's CallAhead: PostgreSQL reads it ahead (central.pg_group)

    def __post_init__(self) -> None:
        self.future = self.loop.create_future()

    def settle(self) -> None:
        """Hand the result to the waiting request (on its event loop)."""
        if self.future.done():  # the request was cancelled (its client went away)
            return
        if self.error is not None:
            self.future.set_exception(self.error)
        else:
            assert self.outcome is not None
            self.future.set_result(self.outcome)


class GroupWriter:
    """The writer thread and the thread that completes its answers."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.waiting: list[Job] = []
        self.ready = threading.Condition()
        self.closed = False
        self.answers = ThreadPoolExecutor(1, thread_name_prefix="counter-answers")
        self.thread = threading.Thread(target=self._write_all, name="counter-writer", daemon=True)
        self.thread.start()

    async def run(self, keep: Keep, finish: Finish | None, ahead: Any = None) -> Outcome:
        """`keep(conn)` in the next group transaction; the outcome with its body completed by
        `finish` after the commit. Raises what `keep` raised (rolled back alone)."""
        job = Job(keep, finish, asyncio.get_running_loop(), ahead=ahead)
        with self.ready:
            if self.closed:
                raise RuntimeError("the central is shutting down")
            self.waiting.append(job)
            self.ready.notify()
        return await job.future

    def close(self) -> None:
        with self.ready:
            self.closed = True
            self.ready.notify()
        self.answers.shutdown(wait=False)

    # --- the writer thread ------------------------------------------------------------------

    def _write_all(self) -> None:
        while True:
            with self.ready:
                while not self.waiting and not self.closed:
                    self.ready.wait()
                if not self.waiting:
                    return
                batch, self.waiting = self.waiting[:BATCH], self.waiting[BATCH:]
            self._write(batch)

    def _write(self, batch: list[Job]) -> None:
        later: list[Job] = []
        try:
            with self.store.write() as conn:
                driver: Any = conn.connection.driver_connection
                conn.info[GROUPED] = True
                try:
                    if conn.dialect.name == "postgresql":  # fewer round trips (central.pg_group)
                        from central.pg_group import write_each

                        later = write_each(driver, conn, batch)
                    elif conn.dialect.name == "sqlite":
                        later = _write_sqlite(driver, conn, batch)
                    else:
                        later = [job for job in batch if _in_savepoint(driver, conn, job)]
                finally:
                    conn.info.pop(GROUPED, None)
        except BaseException as error:  # the commit or the transaction failed: all of it
            for job in batch:
                # A refusal or a put-off was decided on writes that never committed.
                job.error = error
                job.outcome = None
            _settle(batch)
            return
        if later:
            batch = [j for j in batch if j not in later]
            self._again(later)
        answer = [j for j in batch if j.error is None and j.finish is not None and j.outcome[1]]  # type: ignore[index]
        _settle([j for j in batch if j not in answer])
        if answer:
            try:
                self.answers.submit(self._answer, answer)
            except RuntimeError as error:  # shut down meanwhile
                for job in answer:
                    job.error = error
                _settle(answer)

    def _again(self, later: list[Job]) -> None:
        """Writes put off (ClaimLater) go first into the next group, now that this one's
        claims are committed; the other process's commit is what they wait for."""
        now = time.monotonic()
        for job in later:
            job.later = job.later or now
        refused = [j for j in later if now - j.later > AGAIN_S]
        for job in refused:
            if isinstance(job.error, ClaimLater):
                job.error = too_busy(job.error.args[0])
        _settle(refused)
        again = [j for j in later if j not in refused]
        for job in again:
            job.error = None
        with self.ready:
            self.waiting[0:0] = again
        if again and len(again) == len(later) and not self.waiting[len(again) :]:
            time.sleep(0.001)  # nothing else to write: give the other process a moment

    # --- the answering thread ---------------------------------------------------------------

    def _answer(self, batch: list[Job]) -> None:
        """Complete the batch's answers in one read: the queue figures read once for all."""
        try:
            now = self.store.now()
            with self.store.read() as conn:
                conn.info[FIGURES] = {MANY: len(batch) >= MANY_FROM}
                try:
                    for job in batch:
                        assert job.finish is not None and job.outcome is not None
                        status, body = job.outcome
                        try:
                            job.outcome = (status, job.finish(conn, now, body))
                        except Exception as error:
                            job.error = error
                finally:
                    conn.info.pop(FIGURES, None)
        except Exception as error:  # the read itself failed
            for job in batch:
                job.error = job.error or error
        _settle(batch)


def _write_sqlite(driver: Any, conn: Connection, batch: list[Job]) -> list[Job]:
    """SQLite: the writes one after another with no savepoint of their own (two statements
    each), one savepoint around the group instead. A write that fails before changing a row
    (a refusal: a guard, the state machine, a lost compare-and-set; SQLite's count of changed
    rows says so) leaves nothing to undo. One that fails after changing rows (a repeated
    Idempotency-Key met at its kept answer, anything unexpected) rolls the group back to its
    savepoint, and the writes before it run again, each in a savepoint as on PostgreSQL: the
    same database state, so the same outcomes. Returns the writes put off (ClaimLater)."""
    driver.execute("SAVEPOINT counter_group")
    done: list[Job] = []
    later: list[Job] = []
    for job in batch:
        changed = driver.total_changes
        try:
            job.outcome = job.keep(conn)
        except Exception as error:
            job.error = error
            if not driver.in_transaction:  # SQLite rolled it all back (the disk full …)
                raise error from None
            if driver.total_changes != changed:  # half-way: undo it alone
                try:
                    driver.execute("ROLLBACK TO SAVEPOINT counter_group")
                except Exception:
                    raise error from None  # a broken transaction (the disk full …): all of it
                again, done = done, []
                for earlier in again:
                    if _in_savepoint(driver, conn, earlier):
                        later.append(earlier)
                    elif earlier.error is None:
                        done.append(earlier)
            elif isinstance(error, ClaimLater):
                later.append(job)
        else:
            done.append(job)
    driver.execute("RELEASE SAVEPOINT counter_group")
    return later


def _in_savepoint(driver: Any, conn: Connection, job: Job) -> bool:
    """One write in its own savepoint (straight to the driver: SQLAlchemy's own savepoint
    costs more than the write's statements). True: put off to the next group (ClaimLater)."""
    events = pending_count(conn)  # PostgreSQL stores a transaction's events at its end
    driver.execute("SAVEPOINT counter_one")
    later = False
    try:
        job.outcome = job.keep(conn)
    except Exception as error:
        later = isinstance(error, ClaimLater) or _lock_conflict(error)
        job.error = error
        try:
            driver.execute("ROLLBACK TO SAVEPOINT counter_one")
        except Exception:
            # A broken transaction (the disk full …) has no savepoint left: the whole batch
            # fails with the write's own error (what the hall is told), not the savepoint's.
            raise error from None
        forget_pending(conn, events)
    driver.execute("RELEASE SAVEPOINT counter_one")
    return later


# PostgreSQL's deadlock, serialization failure and lock-not-available: a group holds the row
# locks of its earlier writes while later ones wait, so two processes' groups can cross (queue
# A then B against B then A). The victim's write is rolled back to its savepoint and runs again
# in the next group, after this one's commit has let the other process go on.
_LOCK_CONFLICTS = frozenset({"40P01", "40001", "55P03"})


def _lock_conflict(error: Exception) -> bool:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) in _LOCK_CONFLICTS


def _settle(jobs: list[Job]) -> None:
    """Wake the waiting requests: one hand-over per event loop, not one per request."""
    loops: dict[asyncio.AbstractEventLoop, list[Job]] = {}
    for job in jobs:
        loops.setdefault(job.loop, []).append(job)
    for loop, theirs in loops.items():
        with contextlib.suppress(RuntimeError):  # that loop has closed
            loop.call_soon_threadsafe(_settle_here, theirs)


def _settle_here(jobs: list[Job]) -> None:
    for job in jobs:
        job.settle()
