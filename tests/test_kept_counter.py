"""A start with a token kept paints the clerk's kept counter at once (counter.kept_counter).

The kept counter shows, marked as not yet current and its keys greyed, until the central's
answer replaces it; a token the central refuses lands on the login form with one sentence;
a counter kept for another central or another clerk is never shown. The central is the real
one in this process; a gate holds its answer to the token check so the kept paint is seen.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from typing import Any

import httpx
import pytest
from textual.widgets import Input, Static

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.app import CounterApp, make_app
from counter.core import hall_cache
from counter.core.config import Config
from counter.core.credentials import CachedToken, TokenStore
from counter.kept_counter import _write
from screens.counter import CounterScreen
from screens.login import LoginScreen
from screens.widgets.queue_panel import QueuePanel
from tests.pilot import SIZE, issue, until

URL = "http://central.test"


class GatedTransport(StreamingASGITransport):
    """The in-process central, holding the answer to GET /v1/me until `gate` is set."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.gate = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/me":
            await self.gate.wait()
        return await super().handle_async_request(request)


def terminal(transport: httpx.AsyncBaseTransport, store: TokenStore, clock: Any) -> CounterApp:
    client = CentralClient(URL, transport=transport)
    config = Config(central_url=URL, lang="en", window=5)
    return make_app(client=client, config=config, token_store=store, clock=clock)


def screens_shown(app: CounterApp) -> list[tuple[str, bool, str | None]]:
    """Each screen the App pushes or switches to: its kind, whether the kept figures were in
    the session as it was shown, and whose session it was."""
    shown: list[tuple[str, bool, str | None]] = []

    def recording(name: str) -> Any:
        original = getattr(app, name)

        def show(screen: Any, *args: Any, **kwargs: Any) -> Any:
            staff = app.session.staff
            who = staff.staff_no if staff is not None else None
            shown.append((type(screen).__name__, app.session.cached_at is not None, who))
            return original(screen, *args, **kwargs)

        return show

    for name in ("push_screen", "switch_screen"):
        setattr(app, name, recording(name))
    return shown


async def signed_on_clerk(make_client: Any, clock: Any) -> tuple[CentralClient, TokenStore]:
    """Clerk 1005 signed on at window 5, the token kept as a previous run kept it."""
    clerk = await make_client("1005")
    await clerk.sign_on(5)
    assert clerk.token is not None
    store = TokenStore(use_keyring=False)
    store.save(URL, CachedToken("1005", clerk.token, clock() + timedelta(hours=8)))
    return clerk, store


async def keep_counter_of(clerk: CentralClient, staff_no: str, url: str, clock: Any) -> None:
    """The counter of `clerk` kept for `url`, as the terminal writes it."""
    me, hall, queues = await clerk.me(), await clerk.hall(), await clerk.queues()
    window = next(w for w in hall.windows if w.staff_no == staff_no)
    mine = [q for q in queues.queues if q.prefix in {wq.prefix for wq in window.queues}]
    _write(url, staff_no, (me, hall, window, mine, queues.as_of), clock())


async def test_the_kept_counter_paints_at_once_then_the_answer_replaces_it(
    central_app: Any, make_client: Any, clock: Any
) -> None:
    from client.models import QueueStats, Window

    await issue(make_client, "A", "A")
    _clerk, store = await signed_on_clerk(make_client, clock)

    # A day's work: the terminal keeps the counter as it stood (2 waiting in A).
    first = terminal(StreamingASGITransport(central_app), store, clock)
    async with first.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(first.session.queues), "the first run's figures")
        await until(pilot, lambda: hall_cache.load(URL, "1005") is not None, "the counter kept")
    await first.client.aclose()

    await issue(make_client, "A", "A")  # meanwhile two more citizens arrive
    transport = GatedTransport(central_app)
    app = terminal(transport, store, clock)
    shown = screens_shown(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query(QueuePanel)), "the kept counter")
        panel = app.screen.query_one(QueuePanel)
        await until(pilot, lambda: "updating" in str(panel.border_title), "marked as kept")
        assert [(q.prefix, q.waiting) for q in app.session.queues][:1] == [("A", 2)]
        assert not app.session.signed_in  # not until the token is checked: keys greyed
        assert isinstance(app.screen, CounterScreen)
        assert app.screen.applies("call_next") is None

        transport.gate.set()  # the central answers the token check
        await until(pilot, lambda: str(panel.border_title) == "My queues", "the live figures")
        assert [(q.prefix, q.waiting) for q in app.session.queues][:1] == [("A", 4)]
        await until(pilot, lambda: app.screen.applies("call_next") is True, "keys that apply")
        # The views the start read become the wire models once the screen is up.
        await until(pilot, lambda: isinstance(app.session.window, Window), "the models")
        assert all(isinstance(q, QueueStats) for q in app.session.queues)
    await app.client.aclose()
    assert "LoginScreen" not in [kind for kind, _, _ in shown]  # the form never painted
    assert ("CounterScreen", True, "1005") in shown


@pytest.mark.parametrize("why", ["refused", "unreachable"])
async def test_a_token_that_does_not_hold_lands_on_the_login_with_one_sentence(
    central_app: Any, make_client: Any, clock: Any, why: str
) -> None:
    clerk, store = await signed_on_clerk(make_client, clock)
    await keep_counter_of(clerk, "1005", URL, clock)
    transport: httpx.AsyncBaseTransport = StreamingASGITransport(central_app)
    if why == "refused":
        store.save(URL, CachedToken("1005", "no-such-token", clock() + timedelta(hours=8)))
        sentence = "Your sign-in has expired; please sign in again."
    else:
        transport = httpx.AsyncHTTPTransport(retries=0)  # the central's port is closed
        sentence = "Cannot reach the central API at http://127.0.0.1:9 to check your sign-in"
    client = CentralClient("http://127.0.0.1:9", transport=transport)
    config = Config(central_url=URL, lang="en", window=5)
    app = make_app(client=client, config=config, token_store=store, clock=clock)
    shown = screens_shown(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#staff-no")), "the login form")
        form = app.screen
        assert isinstance(form, LoginScreen)
        error = form.query_one("#login-error", Static)
        await until(pilot, lambda: sentence in str(error.render()), "the sentence")
        assert form.query_one("#staff-no", Input).value == "1005"
        assert app.session.staff is None and app.session.window is None
        if why == "refused":  # the token and its clerk's kept counter are forgotten (a thread)
            await until(pilot, lambda: not hall_cache.kept_for(URL), "the kept counter gone")
            assert store.load(URL, now=clock()) is None
    await client.aclose()
    assert ("CounterScreen", True, "1005") in shown  # the kept counter came first
    if why == "unreachable":  # the token may still hold: kept for when the central is back
        assert store.load(URL, now=clock()) is not None


@pytest.mark.parametrize("kept", ["another central", "another clerk"])
async def test_a_counter_kept_for_another_central_or_clerk_is_never_shown(
    central_app: Any, make_client: Any, clock: Any, kept: str
) -> None:
    await issue(make_client, "A")
    clerk, store = await signed_on_clerk(make_client, clock)
    if kept == "another central":
        await keep_counter_of(clerk, "1005", "http://other-hall.test", clock)
    else:
        other = await make_client("1001")
        await other.sign_on(1)
        await keep_counter_of(other, "1001", URL, clock)
    app = terminal(StreamingASGITransport(central_app), store, clock)
    shown = screens_shown(app)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.screen.query(QueuePanel)), "the counter")
        await until(pilot, lambda: bool(app.session.queues), "its live figures")
        panel = app.screen.query_one(QueuePanel)
        await until(pilot, lambda: str(panel.border_title) == "My queues", "the title")
    await app.client.aclose()
    assert [kept for _, kept, _ in shown] == [False] * len(shown)
    assert "1001" not in [who for _, _, who in shown]


def test_a_kept_file_is_read_only_for_its_own_central_and_clerk(clock: Any) -> None:
    """A file copied or renamed to another clerk's or central's name is not theirs."""
    parts = {"me": {}, "hall": {}, "window": {}, "queues": {}}
    hall_cache.save(URL, "1001", parts, clock())
    assert hall_cache.load(URL, "1001") is not None
    source = hall_cache._path(URL, "1001")
    for url, staff_no in ((URL, "1005"), ("http://other-hall.test", "1001")):
        target = hall_cache._path(url, staff_no)
        shutil.copy(source, target)
        assert hall_cache.load(url, staff_no) is None
