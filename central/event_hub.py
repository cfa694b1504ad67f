"""One reader per server process follows the events table; streams only hear from it.

Every open SSE stream of this process is a Listener. The hub's single reader wakes when a
transaction that wrote events commits (in this process: the Notifier; in another process on
the same PostgreSQL database: LISTEN/NOTIFY, see central.pg_listen), reads what is new once,
renders each event's SSE text once, and hands the batch to every listener of the hall. A
thousand listeners therefore cost one database read per wake, not a thousand.

A stream resuming with Last-Event-ID gets what it missed from the hub's recent-events ring,
or (after a long absence) from one read the hub makes for it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterable

import anyio.to_thread

from central.events import PAGE, events_after, format_sse, last_event_id
from central.store import Store

# After a wake-up the reader gathers what else commits for this long before reading, so that a
# busy hall sends each stream one chunk per gathering rather than one per event: with a
# thousand streams, the sends (not the database) are what costs.
GATHER_S = 0.05
RECENT = 4096  # events kept for resuming streams without a database read
BACKLOG = 10_000  # a listener this far behind is ended; it resumes with Last-Event-ID

Rendered = tuple[int, str]  # (event id, its SSE text)


class Listener:
    """One stream's mailbox: rendered events in id order, woken by the hub."""

    def __init__(self) -> None:
        self.pending: deque[Rendered] = deque()
        self.wake = asyncio.Event()
        self.ended = False

    def push(self, batch: list[Rendered]) -> None:
        if len(self.pending) + len(batch) > BACKLOG:
            self.end()
            return
        self.pending.extend(batch)
        self.wake.set()

    def end(self) -> None:
        self.ended = True
        self.wake.set()

    async def take(self, timeout: float) -> list[Rendered]:
        """What arrived (maybe nothing after `timeout` seconds, or when the stream must end)."""
        if not self.pending and not self.ended:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.wake.wait(), max(timeout, 0.0))
        self.wake.clear()
        taken = list(self.pending)
        self.pending.clear()
        return taken


class EventHub:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.listeners: set[Listener] = set()
        self.cursor: int | None = None  # the last event id handed to listeners
        self.recent: deque[Rendered] = deque()
        self.recent_after = 0  # `recent` holds every event after this id
        self.closed = False
        self._tasks: list[asyncio.Task[None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = asyncio.Lock()
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    def _running_in(self, loop: asyncio.AbstractEventLoop) -> bool:
        return self._loop is loop and bool(self._tasks) and not any(t.done() for t in self._tasks)

    async def _start(self) -> None:
        """Start the reader in this event loop (again, if the app moved to a new loop)."""
        loop = asyncio.get_running_loop()
        if self._running_in(loop):
            return
        if self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        async with self._lock:
            if self._running_in(loop):
                return
            for task in self._tasks:
                task.cancel()
            if self.cursor is None:
                self.cursor = self.recent_after = await anyio.to_thread.run_sync(self._last)
            tasks = [loop.create_task(self._follow(), name="counter-event-reader")]
            if self.store.engine.dialect.name != "sqlite":
                from central.pg_listen import listen

                wake = self.store.notifier.notify
                tasks.append(loop.create_task(listen(self.store.engine, wake)))
            self._tasks, self._loop = tasks, loop

    def _last(self) -> int:
        with self.store.read() as conn:
            return last_event_id(conn)

    def _read(self, after: int) -> tuple[list[Rendered], int, bool]:
        """Events after `after` of this hall, rendered; the last id read; whether more wait."""
        with self.store.read() as conn:
            found = events_after(conn, after)
        hall = self.store.hall
        rendered = [(e.id, format_sse(e)) for e in found if e.hall == hall]
        return rendered, found[-1].id if found else after, len(found) == PAGE

    def _remember(self, batch: Iterable[Rendered]) -> None:
        self.recent.extend(batch)
        while len(self.recent) > RECENT:
            self.recent_after = self.recent.popleft()[0]

    async def _follow(self) -> None:
        notifier, settings = self.store.notifier, self.store.settings
        while not self.closed:
            version = notifier.version
            assert self.cursor is not None
            try:
                batch, last, more = await anyio.to_thread.run_sync(self._read, self.cursor)
            except Exception:  # the database away for a moment: try again, never die
                await asyncio.sleep(1.0)
                continue
            if batch:
                self._remember(batch)
                for listener in list(self.listeners):
                    listener.push(batch)
            self.cursor = last
            if not more and await notifier.wait(version, settings.events_recheck_s):
                await asyncio.sleep(GATHER_S if len(self.listeners) > 1 else 0)

    async def subscribe(self, last_id: int | None) -> tuple[Listener, list[Rendered], int]:
        """A new listener, what it missed after `last_id`, and its cursor (None: from now)."""
        await self._start()
        listener = Listener()
        if self.closed:
            listener.end()
        self.listeners.add(listener)
        cursor = self.cursor
        assert cursor is not None
        if last_id is None or last_id >= cursor:
            return listener, [], max(cursor, last_id or 0)
        if last_id >= self.recent_after:
            return listener, [r for r in self.recent if last_id < r[0] <= cursor], cursor
        missed = await anyio.to_thread.run_sync(self._replay, last_id, cursor)
        return listener, missed, cursor

    def _replay(self, after: int, upto: int) -> list[Rendered]:
        missed: list[Rendered] = []
        more = True
        while more and after < upto:
            page, after, more = self._read(after)
            missed += [r for r in page if r[0] <= upto]
        return missed

    def unsubscribe(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    def close(self) -> None:
        """Server shutdown: every stream ends now (terminals go offline and reconnect)."""
        self.closed = True
        for listener in list(self.listeners):
            listener.end()
        for task in self._tasks:
            with contextlib.suppress(RuntimeError):  # its loop has closed already
                task.cancel()


def hub_of(store: Store) -> EventHub:
    if store.hub is None:
        store.hub = EventHub(store)
    hub: EventHub = store.hub
    return hub
