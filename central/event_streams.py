"""One open SSE stream: the hub writes each batch to its connection itself.

A thousand terminals listening means a thousand connections fed several times a second. A
stream that waits for its batch in a task of its own costs, per batch, a task wake-up, a
generator step and the response's send chain before the bytes reach the socket; across a
thousand streams that was a quarter of the server's busy time. Here the hub's reader, in one
pass over the hall's streams, hands each batch straight to the connection's ASGI `send`: the
server writes it to the socket's buffer at once and the send returns without suspending, so
no task wakes. Only a connection whose socket buffer is full (a slow or stalled reader) makes
its send wait; that send is finished by a task of that stream alone, what arrives meanwhile
is kept for it, and past BACKLOG bytes the stream is ended (it resumes later with
Last-Event-ID). A stalled reader therefore never holds up the others.

The connection's own request task only waits for the end: the client going away (ASGI
`http.disconnect`), the hub ending the stream (backlog, server shutdown).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator, MutableMapping
from typing import Any

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
Receive = Callable[[], Awaitable[Message]]

BACKLOG = 4 * 1024 * 1024  # bytes a stream may fall behind; then it ends and resumes later
PING = b": ping\n\n"
RETRY = b"retry: 3000\n\n"


def body(data: bytes) -> Message:
    return {"type": "http.response.body", "body": data, "more_body": True}


class _Resumed:
    """Awaiting this finishes a send that was started by hand and paused on `waiting` (the
    future its socket's drain waits for), inside the awaiting task: what `await send(...)`
    would have done had it been awaited from the start."""

    __slots__ = ("step", "waiting")

    def __init__(self, step: Any, waiting: Any) -> None:
        self.step, self.waiting = step, waiting

    def __await__(self) -> Generator[Any, Any, None]:
        waiting = self.waiting
        while True:
            try:
                sent = yield waiting
            except BaseException as error:  # cancelled: the send learns it where it waits
                try:
                    waiting = self.step.throw(error)
                except StopIteration:
                    return
            else:
                try:
                    waiting = self.step.send(sent)
                except StopIteration:
                    return


class Listener:
    """One stream: its cursor, its connection's `send`, and what waits while that is busy."""

    def __init__(self, cursor: int, send: Send) -> None:
        self.cursor = cursor  # the last event id this stream has (or has had queued)
        self.send = send
        self.pending: list[bytes] = []
        self.size = 0
        # Busy until the stream's opening (what it missed) is out; then only while a send
        # waits for a full socket buffer.
        self.busy = True
        self.ended = False
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._finishing: asyncio.Task[None] | None = None

    def deliver(self, data: bytes) -> None:
        """Called by the hub in its pass over the streams: never waits."""
        if self.ended:
            return
        if self.busy:
            self.size += len(data)
            if self.size > BACKLOG:  # a stream that does not read: end it, it resumes later
                self.end()
                return
            self.pending.append(data)
            return
        sending = self.send(body(data))
        try:
            waiting = sending.send(None)  # type: ignore[attr-defined]
        except StopIteration:
            return  # written to the socket's buffer: the common case, no task involved
        except Exception:  # the connection refused it (closed): the stream is over
            self.end()
            return
        self.busy = True
        self.size = len(data)  # not yet taken by the socket: counts towards the backlog
        loop = asyncio.get_running_loop()
        self._finishing = loop.create_task(self.flush(_Resumed(sending, waiting)))

    async def flush(self, first: Awaitable[None] | None = None) -> None:
        """Finish a paused send, then send what piled up meanwhile; the stream is free after."""
        try:
            if first is not None:
                await first
            while self.pending and not self.ended:
                data = self.pending[0] if len(self.pending) == 1 else b"".join(self.pending)
                self.pending.clear()
                self.size = len(data)
                await self.send(body(data))
        except Exception:
            self.end()
            return
        self.busy = False
        self.size = 0

    def end(self) -> None:
        if self.ended:
            return
        self.ended = True
        self.pending.clear()
        if not self.done.done():
            self.done.set_result(None)

    async def close(self) -> None:
        """Stop a send still waiting for the socket (the stream is ending)."""
        self.end()
        if self._finishing is not None and not self._finishing.done():
            self._finishing.cancel()
            await asyncio.wait([self._finishing])  # (a cancel of this task still propagates)


async def until_gone(receive: Receive, listener: Listener) -> None:
    """End the stream when the client goes away."""
    while (await receive())["type"] != "http.disconnect":
        pass
    listener.end()


async def serve(
    listener: Listener, missed: bytes, headers: list[tuple[bytes, bytes]], receive: Receive
) -> None:
    """The response of one stream (after the hub subscribed it): its head, `retry:` and what
    it missed, then whatever the hub writes, until the client or the hub ends it."""
    send = listener.send
    watch = asyncio.ensure_future(until_gone(receive, listener))
    try:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(body(RETRY + missed))
        await listener.flush()  # what came while the opening went out; then the hub writes
        await listener.done
    finally:
        watch.cancel()
        await listener.close()
    await send({"type": "http.response.body", "body": b"", "more_body": False})
