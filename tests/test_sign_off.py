"""签退 from the clerk's own terminal, and quitting while signed on asks first (issue 13, for the
clerk; issue 9 item 4: quitting in the middle of a form asks and names it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import Static

from client.api import CentralClient
from screens.counter import CounterScreen
from screens.sign_off import SignOffScreen
from screens.sign_on import SignOnScreen
from tests.pilot import SIZE, build, issue, sign_in, until


def window_staff(db_path: Path, no: int) -> str | None:
    with sqlite3.connect(db_path) as db:
        row = db.execute("SELECT staff_no FROM windows WHERE no = ?", (no,)).fetchone()
    return None if row is None else row[0]


async def test_the_clerk_signs_the_window_off(
    terminal_client: CentralClient, clock: Any, db_path: Path
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        assert window_staff(db_path, 5) == "1005"
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SignOffScreen), "the question")
        await pilot.press("escape")  # thought better of it
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "back at work")
        assert window_staff(db_path, 5) == "1005"
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, SignOffScreen), "the question")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SignOnScreen), "the sign-on screen")
        assert window_staff(db_path, 5) is None


async def test_quitting_signed_on_asks_and_signs_off_by_default(
    terminal_client: CentralClient, clock: Any, db_path: Path
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, SignOffScreen), "the question")
        assert app.is_running
        await pilot.press("enter")
        await until(pilot, lambda: not app.is_running, "the exit")
    assert window_staff(db_path, 5) is None


async def test_quit_keeping_the_window_and_a_refusal_is_said(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    (number,) = await issue(make_client, "A")
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, SignOffScreen), "the question")
        await pilot.press("enter")  # a called ticket: the central refuses, the dialog says why
        error = app.screen.query_one("#sign-off-error", Static)
        await until(pilot, lambda: number in str(error.render()), "the refusal")
        assert app.is_running
        await pilot.press("n")
        await until(pilot, lambda: not app.is_running, "the exit")
    assert window_staff(db_path, 5) == "1005"


async def test_quitting_mid_form_names_the_unfinished_work(
    terminal_client: CentralClient, clock: Any
) -> None:
    from screens.escalation.form import EscalationForm

    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, EscalationForm), "the form")
        form = app.screen
        assert isinstance(form, EscalationForm)
        await pilot.press(*"Zhang")
        await until(pilot, form.unsaved, "typing")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, SignOffScreen), "the question")
        lines = [str(s.render()) for s in app.screen.query(".sign-off-unfinished")]
        assert any("escalation form" in line for line in lines)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form, "back in the form")
        assert app.is_running
