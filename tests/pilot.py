"""Helpers the Pilot tests share: build the terminal on the in-process central, wait, sign in."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from client.api import CentralClient
from counter.app import CounterApp, make_app
from counter.core.config import Config
from screens.counter import CounterScreen
from screens.login import LoginScreen
from screens.sign_on import SignOnScreen

SIZE = (80, 24)


async def issue(make_client: Any, *queues: str) -> list[str]:
    """Tickets from the kiosk, one per queue prefix given; their numbers."""
    kiosk = await make_client("kiosk01")
    return [(await kiosk.issue_ticket(queue)).number for queue in queues]


def build(client: CentralClient, clock: Any, **config: Any) -> CounterApp:
    options: dict[str, Any] = {"central_url": "http://central.test", "lang": "en", "window": 5}
    options.update(config)
    return make_app(client=client, config=Config(**options), clock=clock)


# A wait, never a timing assertion: on a loaded box a step can take many seconds, and a passing
# test returns the moment its condition holds, so the bound only says when to give up.
WAIT_S = 60.0


async def until(
    pilot: Any, condition: Callable[[], bool], what: str, seconds: float = WAIT_S
) -> None:
    """Wait for the condition, checking every 20 ms (wall clock: a slow step counts as time)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def sign_in(pilot: Any, app: CounterApp, staff_no: str = "1005") -> None:
    """Log in with the demo password and sign on at the configured window (or find the
    window still signed on, after a restart), until the queue figures are shown."""
    await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
    await pilot.press(*staff_no)
    await pilot.press("enter")  # staff number → password field
    await pilot.press(*"counter")
    await pilot.press("enter")
    await until(
        pilot, lambda: isinstance(app.screen, (SignOnScreen, CounterScreen)), "the sign-on screen"
    )
    if isinstance(app.screen, SignOnScreen):
        await pilot.press("enter")  # the configured window is highlighted
    await until(pilot, lambda: isinstance(app.screen, CounterScreen), "the counter screen")
    await until(pilot, lambda: bool(app.session.queues), "the queue figures")


async def settle(pilot: Any, condition: Callable[[], bool]) -> None:
    """Wait for the condition, then for the screen to be still, notices cleared: a snapshot."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the screen did not reach the expected state")
        await pilot.pause(0.02)
    await pilot.pause(0.1)
    pilot.app.clear_notifications()
    await pilot.pause(0.05)
