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
from screens.counter import CounterScreen
from screens.login import LoginScreen
from screens.sign_on import SignOnScreen
from tests.pilot import build, in_process, settle


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_screen(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, demo=True)

    async def ready(pilot: Any) -> None:
        await settle(pilot, lambda: isinstance(app.screen, LoginScreen))

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counter_screen_serving(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, login_as="1005", demo=True)

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
