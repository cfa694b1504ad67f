"""The counter screen follows the hall by pushed events, not by polling, and keeps working
when the central API drops away, reconnecting by itself."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from screens.widgets.status_line import StatusLine
from tests.pilot import SIZE, build, issue, sign_in, until


class Watched(httpx.AsyncBaseTransport):
    """The terminal's link to the central: counts requests and can be cut."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: Counter[str] = Counter()
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("network unreachable", request=request)
        self.requests[f"{request.method} {request.url.path}"] += 1
        return await self.inner.handle_async_request(request)


def waiting(app: Any, prefix: str) -> int:
    return next(q.waiting for q in app.session.queues if q.prefix == prefix)


async def test_a_ticket_issued_elsewhere_shows_within_two_seconds_without_polling(
    central_app: Any, make_client: Any, clock: Any
) -> None:
    await issue(make_client, "A")
    link = Watched(StreamingASGITransport(central_app))
    client = CentralClient("http://central.test", transport=link)
    app = build(client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await until(pilot, lambda: app.session.connection == "live", "the live stream")
        await pilot.pause(0.5)
        before = waiting(app, "A")
        fetches = link.requests["GET /v1/queues"]

        issued_at = time.monotonic()
        await issue(make_client, "A")
        await until(pilot, lambda: waiting(app, "A") == before + 1, "the pushed queue count")
        assert time.monotonic() - issued_at < 2.0

        await pilot.pause(3.0)  # idle: nothing is fetched without an event
        assert link.requests["GET /v1/queues"] - fetches == 1
        assert link.requests["GET /v1/events/poll"] == 0
        assert link.requests["GET /v1/events"] == 1  # one stream, still open
    await client.aclose()


async def test_an_unreachable_central_is_said_and_the_counter_carries_on(
    central_app: Any, make_client: Any, clock: Any
) -> None:
    first, _ = await issue(make_client, "A", "A")
    link = Watched(StreamingASGITransport(central_app))
    client = CentralClient("http://central.test", transport=link)
    app = build(client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the first call")
        assert app.session.current is not None and app.session.current.number == first

        link.down = True
        await pilot.press("enter")  # start service: the network is gone
        await until(
            pilot,
            lambda: any("Cannot reach" in str(n.message) for n in app._notifications),
            "the notice that the central cannot be reached",
        )
        # What the clerk was doing is still on the screen.
        assert app.session.current is not None and app.session.current.number == first

        link.down = False
        await pilot.press("enter")
        await until(
            pilot,
            lambda: app.session.current is not None and app.session.current.status == "serving",
            "service started once the network is back",
        )
        await until(pilot, lambda: app.session.connection == "live", "the stream reconnected")
        status = str(app.screen.query_one(StatusLine).render())
        assert "live" in status
    await client.aclose()


async def test_an_expired_token_asks_the_password_and_keeps_the_ticket(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    from screens.counter import CounterScreen
    from screens.login import LoginScreen

    (first,) = await issue(make_client, "A")
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")

        clock.advance(hours=13)  # the 12-hour token has expired
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login form again")
        await pilot.press(*"counter", "enter")  # the staff number is kept; the password only
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "back at the counter")
        current = app.session.current
        assert current is not None and current.number == first  # nothing was lost
        await pilot.press("enter")
        await until(
            pilot,
            lambda: app.session.current is not None and app.session.current.status == "serving",
            "service started with the new token",
        )
