"""Several server processes on one SQLite file (`counter serve --workers N`).

SQLite has no LISTEN/NOTIFY and each process's writes wake only its own event reader
(central.notifier). So each process watches the file's `PRAGMA data_version`, which changes
when another connection commits, and wakes its reader when it does: an event written by any
process reaches the streams of every process within WAKE_S.

Writes: every process's write transactions take one exclusive lock on a file beside the
database before BEGIN IMMEDIATE. SQLite's own lock would keep them apart too, but a writer
waiting on it polls with growing sleeps (busy_timeout), which under a burst costs milliseconds
per wait; a process waiting on the file lock is woken the moment the other one commits.
One process alone (the default) needs neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from central.store import Store

WAKE_S = 0.2
log = logging.getLogger("counter.central")


def shared(store: Store) -> bool:
    """Whether other server processes write the same SQLite file."""
    return store.settings.workers > 1 and store.engine.dialect.name == "sqlite"


def _path(store: Store) -> str:
    return str(store.engine.url.database or "")


def write_lock(store: Store) -> Any:
    """The open lock file for write transactions, or None when this process writes alone."""
    if not shared(store):
        return None
    flags = os.O_RDWR | os.O_CREAT
    return os.fdopen(os.open(_path(store) + ".writer-lock", flags, 0o600), "rb+", buffering=0)


@contextmanager
def writing(lock: Any) -> Iterator[None]:
    """Hold the write lock (when there is one) around a write transaction."""
    if lock is None:
        yield
        return
    import fcntl

    fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


@asynccontextmanager
async def watching(store: Store) -> AsyncIterator[None]:
    """While the app runs: wake this process's event reader on other processes' commits."""
    if not shared(store):
        yield
        return
    task = asyncio.get_running_loop().create_task(_watch(store), name="counter-sqlite-wake")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _watch(store: Store) -> None:
    # Its own connection, used only here, on the event loop: the pragma reads the WAL index
    # in shared memory (microseconds), no thread hand-over needed.
    conn = sqlite3.connect(_path(store))
    try:
        seen = None
        while True:
            try:
                version = conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error as exc:  # the file busy or away for a moment
                log.warning("watching the database for other processes' writes: %s", exc)
                version = None
            if version is not None and version != seen:
                if seen is not None:
                    store.notifier.notify()
                seen = version
            await asyncio.sleep(WAKE_S)
    finally:
        conn.close()
