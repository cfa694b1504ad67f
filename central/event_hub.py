"""One reader per server process follows the events table; streams only hear from it.

Every open SSE stream of this process is a Listener. The hub's single reader wakes when a
transaction that wrote events commits (in this process: the Notifier; in another process on
the same PostgreSQL database: LISTEN/NOTIFY, see central.pg_listen), reads what is new once,
renders each event's SSE text once, and in one pass writes the batch to the connection of
every listener of the hall (central.event_streams). A thousand listeners therefore cost one
database read per wake, not a thousand, and no task wake-up per stream.

A stream resuming with Last-Event-ID gets what it missed from the hub's recent-events ring,
or (after a long absence) from one read the hub makes for it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, Iterable, MutableMapping
from typing import Any

import anyio.to_thread

from central import event_streams
from central.event_streams import PING, Listener, Receive, Send
from central.events import PAGE, events_after, format_sse, last_event_id
from central.store import Store

# After a wake-up the reader gathers what else commits for a moment before reading, so that a
# busy hall sends each stream one chunk per gathering rather than one per event. With many
# streams the sends (not the database) are what costs: one socket write per stream per chunk,
# so a crowd gathers longer (still well inside the display's 1 s).
GATHER_S = 0.05
CROWD = 100  # streams from which the reader gathers for CROWD_GATHER_S
CROWD_GATHER_S = 0.25
SLICE = 50  # streams written to between two turns of the event loop
RECENT = 4096  # events kept for resuming streams without a database read

Rendered = tuple[int, bytes]  # (event id, its SSE text, encoded)


class Batch:
    """Events the reader handed out at once: rendered and joined once for every stream."""

    __slots__ = ("data", "first", "items", "last")

    def __init__(self, items: list[Rendered]) -> None:
        self.items = items
        self.first, self.last = items[0][0], items[-1][0]
        self.data = b"".join(text for _id, text in items)

    def after(self, cursor: int) -> bytes:
        """What of the batch a stream at `cursor` has not had (nearly always all of it)."""
        if cursor < self.first:
            return self.data
        return b"".join(text for id_, text in self.items if id_ > cursor)


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
            tasks = [
                loop.create_task(self._follow(), name="counter-event-reader"),
                loop.create_task(self._beat(), name="counter-event-heartbeat"),
            ]
            if self.store.engine.dialect.name != "sqlite":
                from central.pg_listen import listen

                wake = self.store.notifier.notify
                tasks.append(loop.create_task(listen(self.store.engine, wake)))
            self._tasks, self._loop = tasks, loop

    def _last(self) -> int:
        with self.store.read() as conn:
            return last_event_id(conn)

    async def _newest(self) -> int:
        return await anyio.to_thread.run_sync(self._last)

    def _read(self, after: int) -> tuple[list[Rendered], int, bool]:
        """Events after `after` of this hall, rendered; the last id read; whether more wait."""
        with self.store.read() as conn:
            found = events_after(conn, after)
        hall = self.store.hall
        rendered = [(e.id, format_sse(e).encode()) for e in found if e.hall == hall]
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
            # The cursor moves first: a stream that subscribes during the pass below gets this
            # batch in what it missed (from `recent`), not from the pass.
            self.cursor = last
            if batch:
                self._remember(batch)
                await self._hand_out(Batch(batch))
            if not more and await notifier.wait(version, settings.events_recheck_s):
                await asyncio.sleep(self._gathering())

    async def _hand_out(self, batch: Batch) -> None:
        """One pass over the streams, each written to directly (central.event_streams). The
        writes are what costs (a socket write each); between slices of the pass the loop
        serves what else waits, so a window's call-next is not held up by the whole pass."""
        streams = list(self.listeners)
        for start in range(0, len(streams), SLICE):
            if start:
                await asyncio.sleep(0)
            for listener in streams[start : start + SLICE]:
                if batch.last <= listener.cursor or listener.ended:
                    continue
                data = batch.after(listener.cursor)
                listener.cursor = batch.last
                listener.deliver(data)

    def _gathering(self) -> float:
        streams = len(self.listeners)
        return 0.0 if streams <= 1 else GATHER_S if streams < CROWD else CROWD_GATHER_S

    async def _beat(self) -> None:
        """`: ping` to every stream each heartbeat (one timer for all of them, not one each),
        so proxies keep idle streams open and terminals know the link is alive."""
        while not self.closed:
            await asyncio.sleep(self.store.settings.heartbeat_s)
            for listener in list(self.listeners):
                listener.deliver(PING)

    async def subscribe(self, last_id: int | None, send: Send) -> tuple[Listener, bytes]:
        """A new listener writing to `send` (from now when `last_id` is None) and what it
        missed after `last_id`. Until its opening is sent (Listener.flush), what the reader
        hands it waits in the listener."""
        await self._start()
        assert self.cursor is not None
        # Past every id the hub has handed out: an id the database never had (the central came
        # back on a new or restored database) starts the stream over from now, else it would
        # wait for ids past the old ones; one another process wrote first is kept.
        if last_id is not None and last_id > self.cursor and last_id > await self._newest():
            last_id = None
        # Read after that wait: the reader may have handed out a batch meanwhile, before this
        # stream was a listener; the recent ring gives it what it has not had of that batch.
        cursor = self.cursor
        listener = Listener(max(cursor, last_id or 0), send)
        if self.closed:
            listener.end()
        self.listeners.add(listener)
        if last_id is None or last_id >= cursor:
            return listener, b""
        if last_id >= self.recent_after:
            missed = [r for r in self.recent if last_id < r[0] <= cursor]
        else:
            missed = await anyio.to_thread.run_sync(self._replay, last_id, cursor)
        return listener, b"".join(text for _id, text in missed)

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


async def stream(
    store: Store,
    last_id: int | None,
    headers: list[tuple[bytes, bytes]],
    receive: Receive,
    send: Send,
) -> None:
    """Serve one SSE response on an ASGI connection: what was missed after `last_id` (None:
    only new events), then live ones as the hub writes them, and `: ping` every heartbeat
    so proxies do not close it. Ends when the client goes away or the server shuts down."""
    hub = hub_of(store)
    listener, missed = await hub.subscribe(last_id, send)
    try:
        await event_streams.serve(listener, missed, headers, receive)
    finally:
        hub.unsubscribe(listener)


async def event_stream(store: Store, last_id: int | None) -> AsyncGenerator[bytes, None]:
    """The same stream as bytes, for a reader in this process: `retry:`, what was missed,
    then each chunk as the hub hands it out; ends when the hub ends the stream."""
    chunks: list[bytes] = []
    arrived = asyncio.Event()

    async def send(message: MutableMapping[str, Any]) -> None:
        chunks.append(message["body"])
        arrived.set()

    hub = hub_of(store)
    listener, missed = await hub.subscribe(last_id, send)
    listener.done.add_done_callback(lambda _done: arrived.set())
    try:
        yield event_streams.RETRY
        if missed:
            yield missed
        await listener.flush()
        while chunks or not listener.ended:
            if not chunks:
                arrived.clear()
                await arrived.wait()
                continue
            taken = b"".join(chunks)
            chunks.clear()
            yield taken
    finally:
        hub.unsubscribe(listener)
        await listener.close()
