"""The server's shared state: database engine, settings, clock, password hasher, notifier."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from argon2 import PasswordHasher
from sqlalchemy import Connection, Engine

from central.db import read_tx
from central.notifier import Notifier
from central.settings import Settings
from central.shared_sqlite import writing

EVENTS_WRITTEN = "counter_events_written"
# Steps a write transaction runs last, just before its commit (a list in `conn.info`).
BEFORE_COMMIT = "counter_before_commit"
T = TypeVar("T")


def make_hasher(fast: bool) -> PasswordHasher:
    # Cheap parameters only for tests and the demo; argon2's defaults (RFC 9106) otherwise.
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=256, parallelism=1)
    return PasswordHasher()


@dataclass
class Store:
    engine: Engine
    settings: Settings
    hall: str
    notifier: Notifier = field(default_factory=Notifier)
    hasher: PasswordHasher = field(default_factory=PasswordHasher)
    # SQLite: a one-connection engine for writes (see central.db.make_engine); else `engine`.
    # So never open a write transaction inside another one: it would wait for itself.
    writer: Engine | None = None
    # Bearer token hash → what central.auth last read about it (a short-lived cache).
    sessions_seen: dict[str, Any] = field(default_factory=dict)
    # The process's one event reader (central.event_hub.hub_of makes it on first use).
    hub: Any = None
    _writers: ThreadPoolExecutor | None = field(default=None, repr=False)
    # The writer that commits the counter's writes in groups (central.group_commit).
    _group: Any = field(default=None, repr=False)
    # SQLite written by several server processes: the lock file write transactions take
    # (central.shared_sqlite); None alone; False until the first write looks.
    _write_lock: Any = field(default=False, repr=False)

    def now(self) -> datetime:
        return self.settings.clock()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite); wakes event streams after commit."""
        if self._write_lock is False:
            from central.shared_sqlite import write_lock

            self._write_lock = write_lock(self)
        # The connection first (SQLite: this process's one writer), then the other processes'.
        with (self.writer or self.engine).connect() as conn, writing(self._write_lock):
            conn.execution_options(counter_write=True)
            conn.info.pop(EVENTS_WRITTEN, None)
            last: list[Callable[[Connection], None]] = []
            conn.info[BEFORE_COMMIT] = last
            try:
                with conn.begin():
                    yield conn
                    while last:
                        last.pop(0)(conn)
            finally:
                conn.info.pop(BEFORE_COMMIT, None)
            if conn.info.pop(EVENTS_WRITTEN, False):
                self.notifier.notify()

    async def on_writer(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` on the writer thread(s), awaited without holding up the event loop.

        SQLite: one thread that owns the one write connection, so write transactions run back
        to back, in arrival order, instead of some forty pool threads taking turns at that
        connection (each hand-over a lock wake-up and a wait for the interpreter lock).
        PostgreSQL: a few threads (a quarter of the pool, 2 to 8): more writers than cores
        only queue on the same rows and on the event lock, and the readers keep the rest of
        the pool."""
        if self._writers is None:
            one = self.writer is not None or self.engine.dialect.name == "sqlite"
            workers = 1 if one else max(2, min(8, self.settings.db_pool_size // 4))
            self._writers = ThreadPoolExecutor(workers, thread_name_prefix="counter-writer")
        call = functools.partial(contextvars.copy_context().run, work, *args)
        return await asyncio.get_running_loop().run_in_executor(self._writers, call)

    def group(self) -> Any:
        """The group-committing writer (central.group_commit), started on first use."""
        if self._group is None:
            from central.group_commit import GroupWriter

            self._group = GroupWriter(self)
        return self._group

    def dispose(self) -> None:
        if self._group is not None:
            self._group.close()
            self._group = None
        if self._writers is not None:
            self._writers.shutdown(wait=False)
            self._writers = None
        if self.hub is not None:
            self.hub.close()
        self.engine.dispose()
        if self.writer is not None:
            self.writer.dispose()
        if self._write_lock:
            self._write_lock.close()
            self._write_lock = False

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with read_tx(self.engine) as conn:
            yield conn
