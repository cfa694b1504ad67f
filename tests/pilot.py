"""Helpers the Pilot tests share: build the terminal on the in-process central, wait, sign in."""

from __future__ import annotations

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


async def until(pilot: Any, condition: Callable[[], bool], what: str, tries: int = 750) -> None:
    """Wait (up to ~15 s: a loaded CI box is slow, never a timing assertion) for the condition."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


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
    for _ in range(300):
        if condition():
            break
        await pilot.pause(0.02)
    else:
        raise AssertionError("the screen did not reach the expected state")
    await pilot.pause(0.1)
    pilot.app.clear_notifications()
    await pilot.pause(0.05)
