"""One request per key: F2, Enter and F8 each cost the terminal exactly one request.

The action's answer carries the ticket, the window and the queue figures; the hall events the
action itself raised (ticket.called, queue.changed, window.changed) come back on the live stream
and must not make the terminal fetch again. A counting transport sees every request.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from tests.pilot import SIZE, build, issue, sign_in, until

# Time for the action's own events to come back on the stream and pass the re-fetch debounce.
SETTLE_S = 1.0


class CountingTransport(StreamingASGITransport):
    """The in-process central, noting each request but the live stream's (one, long-lived;
    counted apart: a stream reopened under load rightly re-fetches to catch up)."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.seen: list[str] = []
        self.streams = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/events":
            self.streams += 1
        else:
            self.seen.append(f"{request.method} {request.url.path}")
        return await super().handle_async_request(request)

    def by_key(self, reopened: bool) -> list[str]:
        """The requests a key cost, less the catch-up after a reopened stream."""
        if not reopened:
            return self.seen
        catch_up = ["GET /v1/windows/5", "GET /v1/queues"]
        return [seen for seen in self.seen if seen not in catch_up]


async def test_call_start_finish_cost_one_request_each(
    central_app: Any, make_client: Any, clock: Any
) -> None:
    await issue(make_client, "A", "A")
    transport = CountingTransport(central_app)
    client = CentralClient("http://central.test", transport=transport)
    app = build(client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await until(pilot, lambda: app.session.connection == "live", "the live stream")
        # The catalog warm-up after the first counter screen is not a key's cost: let it pass.
        warmed = "GET /v1/catalog/version"
        await until(pilot, lambda: warmed in transport.seen, "the catalog warm-up")
        await pilot.pause(SETTLE_S)
        waiting_before = app.session.queues[0].waiting

        def pressed(key: str, path: str, done: Any) -> Any:
            async def run() -> list[str]:
                transport.seen.clear()
                streams = transport.streams
                await pilot.press(key)
                await until(pilot, done, f"the answer to {key}")
                await pilot.pause(SETTLE_S)
                reopened = transport.streams != streams
                assert transport.by_key(reopened) == [f"POST {path}"], key
                return transport.seen

            return run()

        await pressed("f2", "/v1/windows/5/call-next", lambda: app.session.current is not None)
        current = app.session.current
        assert current is not None
        # The queue figures came with the answer: one fewer waiting, without a fetch.
        assert app.session.queues[0].waiting == waiting_before - 1
        await pressed(
            "enter",
            f"/v1/tickets/{current.id}/start",
            lambda: app.session.current is not None and app.session.current.status == "serving",
        )
        await pressed("f8", f"/v1/tickets/{current.id}/finish", lambda: app.session.current is None)
        assert app.session.served_today == 1

        # Another terminal's change still reaches this one (one fetch of the queue figures).
        transport.seen.clear()
        await issue(make_client, "A")
        await until(
            pilot, lambda: app.session.queues[0].waiting == waiting_before, "the new ticket"
        )
        assert transport.seen == ["GET /v1/queues"]
    await client.aclose()


async def test_a_restart_paints_the_counter_with_its_figures_from_one_round_trip(
    central_app: Any, make_client: Any, clock: Any
) -> None:
    """Clerk 1005 still signed on at window 5, a ticket called and one held, the token kept:
    the terminal reads who, the hall and the queue figures together, so the counter screen has
    its figures when it first shows (not empty until a second round trip), and lists the held
    ticket again (it was forgotten by a restart: F7 had nothing to call back)."""
    from counter.app import make_app
    from counter.core.config import Config
    from counter.core.credentials import CachedToken, TokenStore
    from screens.counter import CounterScreen
    from screens.widgets.today_panel import TodayPanel

    await issue(make_client, "A", "A")
    clerk = await make_client("1005")
    await clerk.sign_on(5)
    held = await clerk.call_next(5)  # one ticket held (挂起), the next one called
    assert held is not None
    await clerk.start(held.id)
    await clerk.hold(held.id)
    called = await clerk.call_next(5)
    assert called is not None
    assert clerk.token is not None
    store = TokenStore(use_keyring=False)
    store.save(
        "http://central.test", CachedToken("1005", clerk.token, clock() + timedelta(hours=8))
    )

    transport = CountingTransport(central_app)
    client = CentralClient("http://central.test", transport=transport)
    config = Config(central_url="http://central.test", lang="en", window=5)
    app = make_app(client=client, config=config, token_store=store, clock=clock)
    figures_when_shown: list[bool] = []

    def shown(screen: Any) -> None:
        if isinstance(screen, CounterScreen) and not figures_when_shown:
            figures_when_shown.append(bool(app.session.queues))

    async with app.run_test(size=SIZE) as pilot:
        app.screen_change_signal.subscribe(app, shown)
        await until(pilot, lambda: bool(figures_when_shown), "the counter screen")
        assert figures_when_shown == [True]
        # Who, the hall and the figures in one round trip.
        assert set(transport.seen[:3]) == {"GET /v1/me", "GET /v1/hall", "GET /v1/queues"}
        # What the clerk left at the window is there again: the ticket called, the one held
        # (the hall's window lists them).
        assert app.session.current is not None and app.session.current.number == called.number
        panel = app.screen.query_one(TodayPanel)
        await until(pilot, lambda: held.number in str(panel.render()), "the held ticket listed")
        assert [ticket.number for ticket in app.session.held] == [held.number]
        # The stream opens from the newest event those reads reflected: nothing is read again
        # (it was: the window twice and the queues once more, right after the first paint).
        await until(pilot, lambda: app.session.connection == "live", "the stream open")
        await pilot.pause(SETTLE_S)  # the re-fetch debounce, had anything asked for one
        again = [seen for seen in transport.seen if "/v1/windows/" in seen]
        assert again == [] and transport.seen.count("GET /v1/queues") == 1, transport.seen
    await client.aclose()
