"""Each shipped scenario driven end to end at window 1 by real keys: with the right decisions
the report gives full marks; with a deliberate mistake it names the mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Static

from counter.core.trainee_report import render_csv, render_text
from screens.intake import IntakeScreen
from screens.intake.dialogs import NoteScreen
from tests.pilot import until
from tests.training_pilot import (
    SIZE,
    applicant_filled,
    call_and_open,
    item_and_person,
    ready,
    report_of,
    scenario_hall,
    store_and_finish,
    trainee_app,
)

pytest.importorskip("central.app")

WANG = ("GJ-001", "王秀英", "110102195203081127", "13911112222")


async def test_bus_card_with_only_a_copy_gets_a_notice_listing_every_gap(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "bus-card-copy") as hall:
        app = trainee_app(hall)
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            screen = await call_and_open(pilot, app)
            desk = str(screen.query_one("#intake-desk", Static).content)
            assert "只有复印件" in desk and "王秀英" in desk
            await item_and_person(pilot, screen, *WANG)
            # ID card: a copy only → flawed, saying why; the photo missing; 居住证 not needed.
            await pilot.press("f")
            await until(pilot, lambda: isinstance(app.screen, NoteScreen), "the note")
            await pilot.press(*"只有复印件", "enter")
            await until(pilot, lambda: isinstance(app.screen, IntakeScreen), "the checklist")
            await pilot.press("m", "m", "enter")
            await until(pilot, lambda: screen.state.step == "decision", "the decision")
            assert screen.state.decision == "notice"
            await store_and_finish(pilot, app, screen)
            report = await report_of(hall)
    (case,) = report.cases
    assert (case.taken, case.expected, case.missed) == ("notice", "notice", [])
    assert report.score == 100 and case.keys > 20 and case.seconds is not None
    text = render_text(report)
    assert "得分 100/100" in text and "一次性告知" in text
    assert render_csv(report).splitlines()[1].endswith(",100")
    files = (tmp_path / "report.txt", tmp_path / "report.csv")
    assert all(f.exists() for f in files)  # written when the hall closed
    assert "一次性告知" in files[0].read_text(encoding="utf-8")


async def test_accepting_the_bus_card_on_a_copy_is_named_in_the_report(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "bus-card-copy") as hall:
        app = trainee_app(hall, "en")
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            screen = await call_and_open(pilot, app)
            await applicant_filled(pilot, screen, *WANG)
            await pilot.press("ctrl+a", "enter")  # the copy taken for the original
            await until(pilot, lambda: screen.state.step == "decision", "the decision")
            assert screen.state.decision == "accept"
            await store_and_finish(pilot, app, screen)
            await pilot.press("ctrl+t")
            await until(pilot, lambda: type(app.screen).__name__ == "TraineeReportScreen", "report")
            shown = app.screen.text  # type: ignore[attr-defined]
    assert "Decision: accept; expected: one-time notice ✗" in shown
    assert "Score 0/100" in shown
