"""Every key the counter offers is on its footer, at 80×24 and 120×40, zh and en (issue 9,
item 9): at 80×24 en "F12 My escalations" did not fit the one line and was left out; at
120×40 en the greyed F8 dropped out while idle. When one line cannot hold them, the footer
takes a second line; no key runs off the right edge or sits on another."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from client.api import CentralClient
from counter.app import CounterApp
from counter.core.keys import group
from screens.counter import CounterScreen
from screens.widgets.fitted_footer import FittedFooter
from tests.pilot import build, issue, sign_in, until

SIZES = [(80, 24), (120, 40)]
# The counter's footer keys, F2 … F12 and Enter (the key table's "counter" group).
COUNTER_KEYS = [k.action for k in group("counter") if k.show]


def on_footer(app: CounterApp) -> dict[str, bool]:
    """The footer's keys: action → applies (False: greyed)."""
    keys = app.screen.query_one(FittedFooter).query(FooterKey)
    return {k.action: not k.has_class("-disabled") for k in keys}


def offered(screen: CounterScreen) -> set[str]:
    """The counter keys that apply now, and F1."""
    return {a for a in COUNTER_KEYS if screen.applies(a) is True} | {"help"}


def every_key_whole(app: CounterApp) -> None:
    """Each key inside the screen's width and on the footer's lines, none on another."""
    footer = app.screen.query_one(FittedFooter)
    regions = [k.region for k in footer.query(FooterKey)]
    width = app.size.width
    for region in regions:
        assert region.x >= 0 and region.right <= width, region
        assert footer.region.y <= region.y < footer.region.bottom, (region, footer.region)
    for i, one in enumerate(regions):
        for other in regions[i + 1 :]:
            assert not one.overlaps(other), (one, other)


async def shows_what_applies(pilot: Any, app: CounterApp, what: str) -> None:
    screen = app.screen
    assert isinstance(screen, CounterScreen)
    await until(
        pilot,
        lambda: all(on_footer(app).get(a) is True for a in offered(screen)),
        f"every key that applies {what} on the footer: {sorted(offered(screen))}",
    )
    every_key_whole(app)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_every_key_that_applies_is_on_the_footer(
    terminal_client: CentralClient,
    make_client: Any,
    clock: Any,
    lang: str,
    size: tuple[int, int],
) -> None:
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, app)
        await until(pilot, lambda: app.session.current is None, "idle")
        await shows_what_applies(pilot, app, "idle")
        if size == (120, 40):
            # Room to spare: the keys that do not apply now are there too, greyed (the
            # clerk sees the whole set of keys; F8 had dropped out).
            await until(pilot, lambda: set(COUNTER_KEYS) - {"start"} <= set(on_footer(app)), "all")
            every_key_whole(app)

        await issue(make_client, "A")
        await until(pilot, lambda: any(q.waiting for q in app.session.queues), "A waiting")
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        await shows_what_applies(pilot, app, "with a called ticket")

        await pilot.press("enter")
        await until(
            pilot,
            lambda: app.session.current is not None and app.session.current.status == "serving",
            "serving",
        )
        await shows_what_applies(pilot, app, "while serving")
