"""A light load generator's connection: HTTP/1.1 keep-alive over asyncio streams, one request
at a time, no retries, no models — what a terminal sends, without what a terminal spends.

The terminals' own client (httpx + pydantic) costs about a millisecond of CPU per request;
a hundred of them in one bench process on a 2-core box take the cores from the server they
measure, so their percentiles are mostly the client's. This one costs some tens of
microseconds a request, and the benches print the client's own CPU per request beside the
server's, so a reader can see which side a figure belongs to.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from typing import Any
from urllib.parse import urlsplit


def use_uvloop() -> None:
    """The client's loop as the server's: uvloop when installed (it is, with the server extra)."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - the server extra brings it
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


class RawConnection:
    """One kept-alive connection to the central, with a bearer token."""

    def __init__(self, url: str, token: str) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self._head = (
            f"Host: {self.host}:{self.port}\r\nAuthorization: Bearer {token}\r\n"
            "Accept: application/json\r\n"
        ).encode()
        self._keys = 0
        self._prefix = os.urandom(6).hex()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> RawConnection:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        """POST with a fresh Idempotency-Key: the status and the parsed JSON answer (or None)."""
        assert self.reader is not None and self.writer is not None
        self._keys += 1
        data = json.dumps(body).encode() if body is not None else b""
        kind = b"Content-Type: application/json\r\n" if data else b""
        self.writer.write(
            b"POST %s HTTP/1.1\r\n%sIdempotency-Key: %s-%d\r\n%sContent-Length: %d\r\n\r\n%s"
            % (path.encode(), self._head, self._prefix.encode(), self._keys, kind, len(data), data)
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"transfer-encoding":
                raise RuntimeError("a chunked answer: this client reads Content-Length only")
        payload = await self.reader.readexactly(length) if length else b""
        return status, (json.loads(payload) if payload else None)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
