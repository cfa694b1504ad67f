"""Snapshots of the ratings screens at 80×24, in Chinese and English: my ratings (tally, bars,
per-day chart, 差评 list), the supervisor's 差评 queue and the staff tally table.

Deterministic: a fixed clock shared by server and terminal, no simulator, notices cleared.
Look at each SVG in tests/__snapshots__/ before accepting it with --snapshot-update.
"""

from __future__ import annotations

from typing import Any

import pytest

from screens.ratings.my_ratings import MyRatingsScreen
from screens.ratings.review_queue import BadQueueScreen
from screens.ratings.staff_tally import StaffTallyScreen
from screens.sign_on import SignOnScreen
from tests.hall_data import MONTH_PLAN, client_factory, serve_and_rate
from tests.pilot import SIZE, build, in_process, settle


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_my_ratings_month(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, login_as="1005", demo=True)

    async def ready(pilot: Any) -> None:
        # Signed in first (the seeding moves the shared clock back and forth), then the
        # month's services; the ratings screen goes over the sign-on screen.
        await settle(pilot, lambda: isinstance(app.screen, SignOnScreen))
        new, made = client_factory(central_app)
        await serve_and_rate(new, clock, MONTH_PLAN)
        for client in made:
            await client.aclose()
        screen = MyRatingsScreen("month")
        app.push_screen(screen)
        await settle(pilot, lambda: screen.loaded)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_queue(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, demo=True)

    async def ready(pilot: Any) -> None:
        new, made = client_factory(central_app)
        await serve_and_rate(new, clock, MONTH_PLAN)
        boss = await new("2001")
        queue = await boss.ratings(staff=None, bad=True)
        clerk = await new("1005")
        await clerk.explain_rating(queue[0].id, "当天系统故障，排队较久")
        await boss.verify_rating(queue[-1].id, "upheld", "核实属实")
        for client in made:
            await client.aclose()
        await app.client.login("2001", "counter")
        screen = BadQueueScreen()
        app.push_screen(screen)
        await settle(pilot, lambda: len(screen.ratings) == 4)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_staff_tally(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, demo=True)

    async def ready(pilot: Any) -> None:
        new, made = client_factory(central_app)
        await serve_and_rate(new, clock, MONTH_PLAN)
        for client in made:
            await client.aclose()
        await app.client.login("2001", "counter")
        screen = StaffTallyScreen("month")
        app.push_screen(screen)
        await settle(pilot, lambda: screen.table is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
