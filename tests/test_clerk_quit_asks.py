"""ctrl+q with unfinished work asks first, also for a user not signed on at a window (issue 9
item 4): a supervisor half-way through the escalation form must not lose it to one key."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from client.api import CentralClient
from counter.app import make_app
from counter.core.config import Config
from screens.escalation.form import EscalationForm
from screens.escalation.hooks import raise_from_counter
from screens.sign_off import SignOffScreen
from screens.supervisor.board import HallBoardScreen
from tests.pilot import SIZE, until


async def test_ctrl_q_in_a_supervisors_form_asks_and_esc_keeps_the_form(
    terminal_client: CentralClient, clock: Any
) -> None:
    config = Config(central_url="http://central.test", lang="en")
    app = make_app(client=terminal_client, config=config, clock=clock, login_as=("2001", "counter"))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the hall board")
        assert app.session.window_no is None  # a supervisor at the board: no window
        raise_from_counter(app)
        await until(pilot, lambda: isinstance(app.screen, EscalationForm), "the form")
        form = app.screen
        await until(pilot, lambda: bool(form.query("#f-name")), "the form's fields")
        form.query_one("#f-name", Input).focus()
        await pilot.press(*"王秀英")
        await pilot.pause(0.05)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, SignOffScreen), "the question")
        assert app.is_running
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form, "back in the form")
        assert form.query_one("#f-name", Input).value == "王秀英"
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, SignOffScreen), "the question again")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "the quit")
