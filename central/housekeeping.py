"""The server's periodic job: default ratings, pruning, and the query planner's statistics.

Every `Settings.housekeeping_s` (and once at start) the running app, in a worker thread:

- stores the default ratings whose rating period ended (central.sweep_pace.sweep), one short
  time-boxed write transaction per batch, so a ticket issued meanwhile waits a few
  milliseconds at most;
- prunes live events older than `Settings.events_keep_days` (a terminal resumes a stream
  after minutes, not days) and idempotency records older than `Settings.idempotency_keep_h`
  (a retry comes within seconds), both in small batches;
- rolls up each closed day's tickets for the reports (central.report_rollups), one short
  write transaction per day, and rolls up again a closed day whose tickets changed since;
- keeps today's report memo up to date (central.report_today, in memory, a read), so the
  first report after a start does not count the whole day;
- on SQLite gathers the planner's statistics whole (never sampled): at once when there are
  none, else `PRAGMA optimize` at night, so the planner picks the day-range indexes over a
  status index and no clerk waits on a long ANALYZE.

The audit trail is never pruned: it is the legal record (步步留痕). Read requests never write:
a tally or list shows what the job has stored so far.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import anyio
from sqlalchemy import delete, func, select

from central import report_rollups, report_today, sweep_pace
from central.db import is_sqlite
from central.hall_time import HALL_TZ
from central.schema import audit, events, idempotency_keys, tickets
from central.store import Store

log = logging.getLogger("central.housekeeping")

PRUNE_BATCH = 1000


def prune_events(store: Store, batch: int = PRUNE_BATCH) -> int:
    """Delete events older than the replay window, oldest first, `batch` per transaction."""
    cutoff = store.now() - timedelta(days=store.settings.events_keep_days)
    total = 0
    while True:
        with store.write() as conn:
            oldest = (
                select(events.c.id).where(events.c.at < cutoff).order_by(events.c.id).limit(batch)
            )
            gone = conn.execute(delete(events).where(events.c.id.in_(oldest))).rowcount
        total += gone
        if gone < batch:
            return total


def prune_idempotency(store: Store, batch: int = PRUNE_BATCH) -> int:
    """Delete stored first answers older than a retry can come, `batch` per transaction."""
    cutoff = store.now() - timedelta(hours=store.settings.idempotency_keep_h)
    keys = idempotency_keys
    total = 0
    while True:
        with store.write() as conn:
            old = (
                select(keys.c.actor, keys.c.key)
                .where(keys.c.created_at < cutoff)
                .order_by(keys.c.created_at)
                .limit(batch)
            )
            found = conn.execute(old).all()
            for actor, key in found:
                conn.execute(delete(keys).where(keys.c.actor == actor, keys.c.key == key))
        total += len(found)
        if len(found) < batch:
            return total


# Hall-local hours in which the planner's statistics may be gathered again: nobody waits on the
# writer then. A whole ANALYZE of a year's audit trail holds it for tens of seconds.
NIGHT = range(0, 6)


def optimize(store: Store) -> str | None:
    """Fresh planner statistics (PostgreSQL's autovacuum analyzes on its own); what ran.

    On SQLite the statistics are gathered whole, never sampled: `analysis_limit` read only the
    first rows of each index, and on a year it took ~1,000 tickets per status, so the default
    sweep walked the status index and sorted every done ticket per batch. A database without
    statistics (a new hall: small) is analyzed at once; after that `PRAGMA optimize`
    (ANALYZE of a table that grew 25-fold or has an index never analyzed) runs only at night
    (NIGHT, hall time). Both in a committed transaction, or the statistics would be rolled
    back with it."""
    if not is_sqlite(store.engine):
        return None
    with store.read() as conn:
        known = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).first()
    if known and store.now().astimezone(HALL_TZ).hour not in NIGHT:
        return None
    step = "PRAGMA optimize" if known else "ANALYZE"
    with store.write() as conn:
        conn.exec_driver_sql("PRAGMA analysis_limit=0")
        conn.exec_driver_sql(step)
    return step


def database_bytes(store: Store) -> int:
    """The database's size on disk (SQLite: the file and its WAL; PostgreSQL: the database)."""
    if is_sqlite(store.engine):
        path = Path(str(store.engine.url.database))
        parts = (path, path.with_name(path.name + "-wal"))
        return sum(p.stat().st_size for p in parts if p.exists())
    with store.engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        return int(found or 0)


def size_line(store: Store) -> str:
    """The size and the biggest tables' rows, for the start-up log."""
    size = database_bytes(store)
    with store.read() as conn:
        # Ids, not COUNT(*): a year's tables would make start-up count millions of rows.
        tickets_n = conn.execute(select(func.max(tickets.c.id))).scalar() or 0
        audit_n = conn.execute(select(func.max(audit.c.id))).scalar() or 0
    return f"{size / 2**20:,.1f} MiB (~{tickets_n:,} tickets, ~{audit_n:,} audit rows)"


def run_once(store: Store) -> dict[str, int]:
    """One round of the job; what it did (for logs and tests)."""
    done = {
        "defaults": sweep_pace.sweep(store),
        "events_pruned": prune_events(store),
        "idempotency_pruned": prune_idempotency(store),
        "report_days": report_rollups.catch_up(store),
    }
    report_today.keep_up(store)
    optimize(store)
    return done


async def _loop(store: Store) -> None:
    while True:
        try:
            done = await anyio.to_thread.run_sync(run_once, store)
            if any(done.values()):
                log.info("housekeeping: %s", done)
        except Exception:  # a failed round must not end the app; the next one tries again
            log.exception("housekeeping failed")
        await anyio.sleep(store.settings.housekeeping_s)


@asynccontextmanager
async def watching(store: Store) -> AsyncIterator[None]:
    """Runs the job in the background for as long as the block runs (the app's lifespan);
    `housekeeping_s <= 0` turns it off."""
    if store.settings.housekeeping_s <= 0:
        yield
        return
    async with anyio.create_task_group() as group:
        group.start_soon(_loop, store)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
