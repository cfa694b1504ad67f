"""Two supervisors at once on the same item (issue 13): one terminal has a 差评 or an escalation
open in its dialog while a colleague's terminal takes the same step first. The second is told,
in a sentence beside the form, that the item moved on; nothing is stored twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import Select, Static

from client.api import CentralClient
from client.escalation_models import CloseRequest, OutOfScope
from screens.escalation.dialogs import EscalationDialog
from screens.ratings.review_queue import BadQueueScreen
from tests.hall_data import MONTH_PLAN, client_factory, register, serve_and_rate
from tests.pilot import build, open_ledger, open_verify_dialog, until


def rows(db_path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db_path) as db:
        return [tuple(r) for r in db.execute(sql, args).fetchall()]


async def test_a_poor_rating_verified_by_a_colleague_meanwhile(
    central_app: Any, terminal_client: CentralClient, clock: Any, db_path: Path
) -> None:
    new, made = client_factory(central_app)
    await serve_and_rate(new, clock, MONTH_PLAN)
    colleague = await new("2001")  # the same duty account, on the other desk's terminal
    await terminal_client.login("2001", "counter")
    app = build(terminal_client, clock, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(BadQueueScreen())
        await until(pilot, lambda: isinstance(app.screen, BadQueueScreen), "the queue")
        queue = app.screen
        assert isinstance(queue, BadQueueScreen)
        await until(pilot, lambda: len(queue.ratings) == 4, "four open 差评")
        target = await open_verify_dialog(pilot, app)
        dialog = app.screen

        await colleague.verify_rating(target, "mistaken", "误评，已与群众核实")  # first

        await pilot.press(*"核实属实")
        await pilot.press("enter")
        error = dialog.query_one("#rating-error", Static)
        await until(pilot, lambda: str(error.render()).strip() != "", "the sentence")
        said = str(error.render())
        assert said == f"Not possible now: The 差评 {target} has been verified already (mistaken)."
        assert app.screen is dialog  # what was typed is kept; Esc goes back to the queue
    states = rows(db_path, "SELECT review_state FROM ratings WHERE id = ?", target)
    assert states == [("mistaken",)]
    steps = rows(db_path, "SELECT count(*) FROM audit WHERE action = 'rating.verify'")
    assert steps == [(1,)]
    for client in made:
        await client.aclose()


async def test_an_escalation_closed_by_a_colleague_meanwhile(
    central_app: Any, terminal_client: CentralClient, clock: Any, db_path: Path
) -> None:
    no, clerk, colleague = await register(central_app, "registered")
    app = build(terminal_client, clock, login_as="2001", window=None, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        ledger = await open_ledger(pilot, app)
        await until(pilot, lambda: [e.no for e in ledger.items] == [no], "the escalation")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, EscalationDialog), "the dialog")
        dialog = app.screen

        scope = OutOfScope(reason="petition", explanation="属信访事项", channel="市信访局")
        await colleague.close_escalation(no, CloseRequest(out_of_scope=scope))  # first

        dialog.query_one("#d-reason", Select).value = "private_dispute"
        dialog.query_one("#d-explanation").focus()
        await pilot.press(*"属民事纠纷", "tab")
        await pilot.press(*"人民调解委员会", "enter")
        await until(pilot, lambda: app.screen is ledger, "back on the ledger")
        told = [str(n.message) for n in app._notifications]
        assert told == [f'Not possible now: Escalation {no} is "Out of scope" now: that step is '
                        "not possible any more."]  # fmt: skip
        await until(
            pilot,
            lambda: [e.status for e in ledger.items if e.no == no] == ["out_of_scope"],
            "the ledger showing the colleague's step",
        )
    steps = rows(
        db_path,
        "SELECT s.action, s.scope_reason FROM escalation_steps s "
        "JOIN escalations e ON e.id = s.escalation_id WHERE e.no = ? ORDER BY s.seq",
        no,
    )
    assert steps == [("register", None), ("out_of_scope", "petition")], steps  # once
    await clerk.aclose()
    await colleague.aclose()
