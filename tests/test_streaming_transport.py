"""The in-process transport streams: an endless response arrives chunk by chunk and stops
when the client closes it (httpx's own ASGITransport would wait for the end forever)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx

from client.asgi import StreamingASGITransport


def make_endless_app(stopped: asyncio.Event) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        try:
            n = 0
            while True:
                await send({"type": "http.response.body", "body": b"%d\n" % n, "more_body": True})
                n += 1
                await asyncio.sleep(0.01)
        finally:
            stopped.set()

    return app


async def test_endless_body_streams_and_closes() -> None:
    stopped = asyncio.Event()
    transport = StreamingASGITransport(make_endless_app(stopped))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        async with http.stream("GET", "/") as response:
            lines: list[str] = []
            iterator: AsyncIterator[str] = response.aiter_lines()
            async for line in iterator:
                lines.append(line)
                if len(lines) == 3:
                    break
        assert lines == ["0", "1", "2"]
    await asyncio.wait_for(stopped.wait(), 2)


async def test_plain_request_and_body() -> None:
    async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x-a", b"1")]})
        await send({"type": "http.response.body", "body": message["body"][::-1]})

    async with httpx.AsyncClient(transport=StreamingASGITransport(echo), base_url="http://t") as h:
        response = await h.post("/", content=b"abc")
    assert response.status_code == 201
    assert response.headers["x-a"] == "1"
    assert response.content == b"cba"


async def test_app_failure_before_start_is_a_transport_error() -> None:
    async def broken(scope: dict[str, Any], receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    async with httpx.AsyncClient(
        transport=StreamingASGITransport(broken), base_url="http://t"
    ) as h:
        try:
            await h.get("/")
        except RuntimeError as exc:
            assert "boom" in str(exc)
        else:  # pragma: no cover - the request must fail
            raise AssertionError("expected the app's failure to surface")
