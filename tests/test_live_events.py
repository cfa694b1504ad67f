"""The live-event subscription against the real central: events arrive as they happen, a
dropped stream resumes where it stopped (Last-Event-ID), and a stream that keeps failing
falls back to slow polling without losing an event."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.live import ConnectionState, LiveEvents
from client.models import Event

pytestmark = pytest.mark.backends("sqlite", "postgresql")


class BlockedStream(httpx.AsyncBaseTransport):
    """A proxy in front of the central that refuses the event stream (but not polling)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/events":
            self.refused += 1
            return httpx.Response(502, text="Bad Gateway", request=request)
        return await self.inner.handle_async_request(request)


async def next_events(events: AsyncIterator[Event], count: int, timeout: float = 5) -> list[Event]:
    async def take() -> list[Event]:
        got: list[Event] = []
        async for event in events:
            got.append(event)
            if len(got) == count:
                break
        return got

    return await asyncio.wait_for(take(), timeout)


async def test_events_arrive_live_and_resume_after_a_drop(
    central_app: Any, make_client: Any
) -> None:
    kiosk = await make_client("kiosk01")
    watcher = await make_client("display01")
    states: list[ConnectionState] = []
    live = LiveEvents(watcher, on_state=states.append)
    stream = live.__aiter__()
    reader = asyncio.ensure_future(next_events(stream, 1))
    for _ in range(100):  # until the stream is open: it starts from "now"
        if live.state == "live":
            break
        await asyncio.sleep(0.02)
    ticket = await kiosk.issue_ticket("A")
    [event] = await reader
    assert (event.type, event.queue) == ("queue.changed", "A")
    assert states[-1] == "live"
    await stream.aclose()  # the link drops

    seen = live.last_event_id
    assert seen is not None
    await kiosk.issue_ticket("B")
    await kiosk.issue_ticket("C")
    resumed = LiveEvents(watcher, last_event_id=seen)
    missed = await next_events(resumed.__aiter__(), 2)
    assert [e.queue for e in missed] == ["B", "C"]
    assert all(e.id > seen for e in missed)
    assert ticket.number == "A001"


async def test_a_stream_that_keeps_failing_falls_back_to_polling(central_app: Any) -> None:
    blocked = BlockedStream(StreamingASGITransport(central_app))
    watcher = CentralClient("http://central.test", transport=blocked)
    await watcher.login("display01", "counter")
    kiosk = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    await kiosk.login("kiosk01", "counter")
    states: list[ConnectionState] = []
    live = LiveEvents(watcher, poll_interval=0.05, max_stream_failures=2, on_state=states.append)
    stream = live.__aiter__()
    reader = asyncio.ensure_future(next_events(stream, 1, timeout=10))
    for _ in range(300):
        if live.state == "polling":
            break
        await asyncio.sleep(0.02)
    assert live.state == "polling"
    assert blocked.refused == 2
    await kiosk.issue_ticket("D")
    [event] = await reader
    assert (event.type, event.queue) == ("queue.changed", "D")
    assert "polling" in states
    await stream.aclose()
    await watcher.aclose()
    await kiosk.aclose()
