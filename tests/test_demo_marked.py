"""Every screen of the living demo is marked as a demo (issue 15): a screen with a status line
says "demo" there; the login, the intake and the ledger have none, so they carry the mark."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter.app import make_app
from counter.core.config import Config
from screens.counter import CounterScreen
from screens.intake import IntakeScreen
from screens.login import LoginScreen
from screens.widgets.status_line import StatusLine
from tests.pilot import SIZE, sign_in, until

pytest.importorskip("central.app")


def marked(app: object) -> bool:
    return bool(app.screen.query(".demo-mark"))  # type: ignore[attr-defined]


async def test_the_living_demo_marks_every_screen_without_a_status_line(tmp_path: Path) -> None:
    from counter.demo import build_demo

    hall = build_demo(seed=2, workdir=tmp_path, simulate=False)
    app = make_app(client=hall.client, config=Config(lang="en", window=1), demo=hall)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login")
            await until(pilot, lambda: marked(app), "the login marked DEMO")
            await sign_in(pilot, app, "1001")
            counter = app.screen
            assert isinstance(counter, CounterScreen)
            await until(pilot, lambda: "DEMO" in str(counter.query_one(StatusLine).render()), "")
            await hall.issue_ticket("A")
            await pilot.press("f2")
            await until(pilot, lambda: app.session.current is not None, "a ticket called")
            await pilot.press("enter", "f5")
            await until(pilot, lambda: isinstance(app.screen, IntakeScreen), "the intake")
            await until(pilot, lambda: marked(app), "the intake marked DEMO")
            # The counter says it in its status line and carries no second mark.
            assert not counter.query(".demo-mark")
    finally:
        await hall.aclose()
