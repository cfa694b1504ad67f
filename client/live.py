"""Live hall events: Server-Sent Events with resume, falling back to slow polling.

The stream (GET /v1/events) carries ids only; the terminal re-fetches what it shows. When the
stream drops, it is reopened with Last-Event-ID so nothing is missed. When it keeps failing
(a proxy that buffers, a flaky link), events are polled every `poll_interval` seconds and the
stream is tried again now and then.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Literal

from client import errors
from client.central_http import error_from_response, parse_text, wire_module

if TYPE_CHECKING:
    from client import models as wire
    from client.api import CentralClient
else:
    wire = wire_module("client.models")

ConnectionState = Literal["connecting", "live", "polling", "offline"]

# The server sends a heartbeat every 15 s unless it says otherwise (X-Heartbeat); a stream
# silent for two heartbeats is lost (a frozen or vanished central must not read "live").
HEARTBEAT_S = 15.0
HEARTBEATS_BEFORE_LOST = 2
# While polling, try the stream again after this many polls.
POLLS_BEFORE_STREAM_RETRY = 4
# A central that cannot be reached is looked for again after 0.5 s, then 1, 2, 4 … s, up to
# the poll interval: a restarted central is found within seconds, a gone one is not hammered.
OFFLINE_RETRY_S = 0.5


class LiveEvents:
    def __init__(
        self,
        client: CentralClient,
        *,
        last_event_id: int | None = None,
        poll_interval: float = 15.0,
        max_stream_failures: int = 3,
        on_state: Callable[[ConnectionState], None] | None = None,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        self.client = client
        self.last_event_id = last_event_id
        self.poll_interval = poll_interval
        self.max_stream_failures = max_stream_failures
        self.on_state = on_state
        self.heartbeat_s = heartbeat_s
        self.state: ConnectionState = "connecting"
        self.last_error: errors.CentralError | None = None

    def _set_state(self, state: ConnectionState) -> None:
        if state != self.state:
            self.state = state
            if self.on_state is not None:
                self.on_state(state)

    async def __aiter__(self) -> AsyncIterator[wire.Event]:
        # Here, not at the top: httpx loads with the first request (client.central_http).
        import httpx
        from httpx_sse import SSEError

        failures = 0
        polls = 0
        offline_polls = 0  # polls in a row that found the central gone
        while True:
            if failures < self.max_stream_failures:
                try:
                    async for event in self._stream():
                        failures = 0
                        yield event
                    failures += 1  # the server closed the stream: reopen it
                except (httpx.HTTPError, SSEError, errors.CentralError) as exc:
                    failures += 1
                    self.last_error = _as_central_error(exc)
                    lost = isinstance(self.last_error, (errors.Timeout, errors.Unreachable))
                    # Silent or gone: say so at once, and keep saying it while reconnecting.
                    if lost:
                        self._set_state("offline")
                    elif failures < self.max_stream_failures:
                        self._set_state("connecting")
                        await asyncio.sleep(min(0.5 * 2**failures, 8.0))
                polls = 0
                continue
            was_offline = self.state == "offline"
            async for event in self._poll_once():
                yield event
            polls += 1
            back = was_offline and self.state == "polling"
            if polls >= POLLS_BEFORE_STREAM_RETRY or back:
                failures = self.max_stream_failures - 1  # one more try at the stream
            if back:  # the central answers again: the stream at once, not after the pause
                polls = offline_polls = 0
                continue
            pause = self.poll_interval
            if self.state == "offline":  # gone: look again soon, then less and less often
                pause = min(pause, OFFLINE_RETRY_S * 2**offline_polls)
                offline_polls = min(offline_polls + 1, 8)
            else:
                offline_polls = 0
            await asyncio.sleep(pause)

    async def _stream(self) -> AsyncIterator[wire.Event]:
        import httpx
        from httpx_sse import aconnect_sse

        headers = {**self.client.auth_headers(), "Accept": "text/event-stream"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = str(self.last_event_id)
        timeout = httpx.Timeout(10.0, read=HEARTBEATS_BEFORE_LOST * self.heartbeat_s)
        async with aconnect_sse(
            self.client.http, "GET", "/v1/events", headers=headers, timeout=timeout
        ) as source:
            response = source.response
            if response.status_code >= 400:
                await response.aread()
                raise error_from_response(response)
            self._adopt_heartbeat(response.headers.get("X-Heartbeat"))
            self._set_state("live")
            self.last_error = None
            async for sse in source.aiter_sse():
                if not sse.data:
                    continue
                event = parse_text(wire.Event, sse.data)
                self.last_event_id = event.id
                yield event

    def _adopt_heartbeat(self, announced: str | None) -> None:
        """The central says how often it sends a heartbeat; the next stream waits for that."""
        try:
            value = float(announced) if announced is not None else None
        except ValueError:
            return
        if value is not None and 0 < value <= 300:
            self.heartbeat_s = value

    async def _poll_once(self) -> AsyncIterator[wire.Event]:
        try:
            page = await self.client.poll_events(after=self.last_event_id or 0)
        except errors.CentralError as exc:
            self.last_error = exc
            self._set_state("offline")
            return
        self._set_state("polling")
        first_contact = self.last_event_id is None
        self.last_event_id = page.last_id
        if first_contact:
            return  # nothing to catch up on: the terminal fetches the present state itself
        for event in page.events:
            yield event


def _as_central_error(exc: Exception) -> errors.CentralError:
    import httpx

    if isinstance(exc, errors.CentralError):
        return exc
    if isinstance(exc, httpx.TimeoutException):
        return errors.Timeout("The live event stream went silent; reconnecting.")
    return errors.Unreachable("The live event stream dropped; reconnecting.")
