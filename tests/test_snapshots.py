"""Snapshots of the login and counter screens at 80×24, in Chinese and English.

Deterministic: the server and the terminal share a fixed clock, no simulator runs (the demo
accounts come from a stand-in that only lists them), no cursor blinks, notices are cleared.
Look at each SVG in tests/__snapshots__/ before accepting it with --snapshot-update.
"""

from __future__ import annotations

from typing import Any

import pytest

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.app import CounterApp, make_app
from counter.core.config import Config
from counter.demo import DemoAccount
from screens.counter import CounterScreen
from screens.login import LoginScreen
from screens.sign_on import SignOnScreen
from tests.pilot import settle

DEMO_ACCOUNTS = [
    DemoAccount(f"10{no:02d}", name, "clerk", "counter", no)
    for no, name in enumerate(["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆"], start=1)
] + [DemoAccount("2001", "周敏", "supervisor", "counter", None)]


class QuietDemo:
    """Stand-in for DemoHall in snapshots: its accounts, no simulated arrivals."""

    def __init__(self, client: CentralClient) -> None:
        self.client = client
        self.accounts = DEMO_ACCOUNTS

    async def start(self) -> None:
        return None

    async def free_window(self, no: int) -> None:
        return None

    async def aclose(self) -> None:
        return None


def build(central_app: Any, clock: Any, lang: str, **extra: Any) -> CounterApp:
    client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    config = Config(central_url="http://central.test", lang=lang, window=5)  # type: ignore[arg-type]
    return make_app(client=client, config=config, demo=QuietDemo(client), clock=clock, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_screen(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(central_app, clock, lang)

    async def ready(pilot: Any) -> None:
        await settle(pilot, lambda: isinstance(app.screen, LoginScreen))

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counter_screen_serving(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(central_app, clock, lang, login_as=("1005", "counter"))

    async def serving(pilot: Any) -> None:
        kiosk = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
        await kiosk.login("kiosk01", "counter")
        for queue, kind in [("A", "walk_in"), ("A", "green"), ("A", "walk_in"), ("E", "walk_in")]:
            await kiosk.issue_ticket(queue, kind)  # type: ignore[arg-type]
        await kiosk.aclose()
        clock.advance(minutes=7)  # the oldest has waited a little
        await settle(pilot, lambda: isinstance(app.screen, SignOnScreen))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, CounterScreen))
        await pilot.press("f2")  # the green-channel ticket comes first
        await settle(pilot, lambda: app.session.current is not None)
        await pilot.press("enter")
        await settle(
            pilot,
            lambda: (
                app.session.current is not None
                and app.session.current.status == "serving"
                and app.session.connection == "live"
                and sum(q.waiting for q in app.session.queues) == 3
            ),
        )

    assert snap_compare(app, terminal_size=(80, 24), run_before=serving)
