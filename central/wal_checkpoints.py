"""SQLite's WAL checkpoints taken off the write path.

By default SQLite copies the write-ahead log back into the database file (and syncs the file)
inside the commit of whichever write transaction makes the log pass 1,000 pages: that one
ticket, call or sweep batch then holds the writer 20–60 ms longer (measured with
bench/sweep.py on a year's database). While the central runs, its writer connection leaves
that to this module instead: a thread of its own takes a PASSIVE checkpoint about once a
second on a connection of its own. A passive checkpoint never waits for and never blocks a
writer or a reader; pages a reader still needs are copied on a later round.

Only while `running` runs: a script or test that writes through a Store without the app keeps
SQLite's own automatic checkpoints, and a writer connection made anew has them too.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from central.store import Store

log = logging.getLogger("central.wal")

EVERY_S = 1.0
SQLITE_DEFAULT_PAGES = 1000  # SQLite's own wal_autocheckpoint


def _set_automatic(writer: Engine, pages: int) -> None:
    """SQLite's automatic checkpoint on the writer's pooled connection (0: off)."""
    with writer.connect() as conn:
        conn.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(pages)}")
        conn.rollback()


def checkpoint(con: sqlite3.Connection) -> tuple[int, int, int]:
    """One passive checkpoint: (busy, frames in the log, frames copied back)."""
    busy, frames, copied = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(busy), int(frames), int(copied)


@contextmanager
def running(store: Store, every_s: float = EVERY_S) -> Iterator[None]:
    """Checkpoints in a thread for as long as the block runs; nothing on PostgreSQL."""
    writer = store.writer
    path = store.engine.url.database
    if writer is None or store.engine.dialect.name != "sqlite" or not path or path == ":memory:":
        yield
        return
    stop = threading.Event()
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5)

    def loop() -> None:
        while not stop.wait(every_s):
            try:
                checkpoint(con)
            except sqlite3.Error:  # a busy or failing round: the next one tries again
                log.debug("checkpoint failed", exc_info=True)

    _set_automatic(writer, 0)
    worker = threading.Thread(target=loop, name="counter-wal-checkpoints", daemon=True)
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join()
        try:
            checkpoint(con)
            _set_automatic(writer, SQLITE_DEFAULT_PAGES)
        except Exception:  # the store may be gone already; SQLite checkpoints on close
            log.debug("last checkpoint failed", exc_info=True)
        con.close()
