"""An httpx transport that runs an ASGI app in-process and streams its response.

httpx's own ASGITransport waits for the app to finish before it returns a response, so an
endless Server-Sent Events stream would never arrive. The demo and the tests need the same
live-update path as production, so this transport hands the body over chunk by chunk and
tells the app the client disconnected when the response is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[MutableMapping[str, Any], Receive, Send], Awaitable[None]]

_END = object()


class _BodyStream(httpx.AsyncByteStream):
    def __init__(
        self, chunks: asyncio.Queue[object], task: asyncio.Task[None], disconnected: asyncio.Event
    ) -> None:
        self._chunks = chunks
        self._task = task
        self._disconnected = disconnected

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            chunk = await self._chunks.get()
            if chunk is _END:
                return
            if isinstance(chunk, BaseException):
                raise chunk
            assert isinstance(chunk, bytes)
            yield chunk

    async def aclose(self) -> None:
        self._disconnected.set()
        if not self._task.done():
            # Give the app a moment to see http.disconnect, then stop it.
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(self._task), 0.5)
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._task


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        self.app = app
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for (k, v) in request.headers.raw],
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "server": (request.url.host, request.url.port),
            "client": self.client,
            "root_path": "",
        }
        request_sent = False
        disconnected = asyncio.Event()
        started: asyncio.Future[tuple[int, list[tuple[bytes, bytes]]]] = (
            asyncio.get_running_loop().create_future()
        )
        chunks: asyncio.Queue[object] = asyncio.Queue()

        async def receive() -> Message:
            nonlocal request_sent
            if not request_sent:
                request_sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await disconnected.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A second start comes from an error handler after a stream broke: ignore it.
                if not started.done():
                    started.set_result((message["status"], list(message.get("headers", []))))
            elif message["type"] == "http.response.body":
                data = message.get("body", b"")
                if data and request.method != "HEAD":
                    chunks.put_nowait(bytes(data))
                if not message.get("more_body", False):
                    chunks.put_nowait(_END)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except Exception as exc:  # surfaced to whoever waits, like a broken connection
                if not started.done():
                    started.set_exception(exc)
                else:
                    chunks.put_nowait(httpx.ReadError(str(exc)))
                return
            if not started.done():
                started.set_exception(httpx.RemoteProtocolError("app sent no response"))
            chunks.put_nowait(_END)

        task = asyncio.create_task(run())
        try:
            status, headers = await started
        except BaseException:
            disconnected.set()
            task.cancel()
            raise
        return httpx.Response(
            status_code=status,
            headers=headers,
            stream=_BodyStream(chunks, task, disconnected),
            request=request,
        )
