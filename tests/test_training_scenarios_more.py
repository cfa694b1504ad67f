"""The other shipped scenarios at window 1: the right handling gets full marks, a deliberate
mistake is named in the report (the keys of the checklist and the decision are real; the
applicant's fields are filled at once, as the bus-card test types them key by key)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Select

from client.hall_time import HALL_TZ
from counter.core.trainee_report import render_text
from screens.escalation.form import EscalationForm
from screens.intake import IntakeScreen
from tests.pilot import until
from tests.training_pilot import (
    SIZE,
    applicant_filled,
    call_and_open,
    ready,
    report_of,
    scenario_hall,
    store_and_finish,
    trainee_app,
)

pytest.importorskip("central.app")

QINGHE = ("SCJG-001", "示范市青禾科技有限公司", "91110105MA01ABCD13", "13822223333")
ZHOU = ("GJ-002", "周桂兰", "110105195607142028", "13966667777")
WU = ("BDC-002", "吴海涛", "11010119700603501X", "13877778888")
GREEN = {
    "A001": ("赵建国", "110108198002113016", "13733334444"),
    "A002": ("钱丽", "110105198511203328", "13744445555"),
    "A003": ("孙志刚", "11010619471105402X", "13755556666"),
}


async def _enterprise_checklist(pilot: object, screen: IntakeScreen) -> None:
    await applicant_filled(pilot, screen, *QINGHE, enterprise_contact="李明")
    # Four received, the premises proof 容缺, the (optional) power of attorney missing.
    await pilot.press("r", "r", "r", "r", "c", "m", "enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: screen.state.step == "decision", "the decision")


async def test_enterprise_tolerated_with_a_date_scores_full(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "enterprise-tolerate") as hall:
        app = trainee_app(hall)
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            screen = await call_and_open(pilot, app)
            await _enterprise_checklist(pilot, screen)
            assert screen.state.decision == "tolerate"
            await pilot.press("enter")  # no date yet: focus goes to the commitment date
            await until(pilot, lambda: screen.focused is screen.query_one("#f-commitment"), "date")
            today = datetime.now(HALL_TZ).date().isoformat()
            await pilot.press(*today)
            await store_and_finish(pilot, app, screen)
            report = await report_of(hall)
    assert [(c.taken, c.missed, c.score) for c in report.cases] == [("tolerate", [], 100)]


async def test_a_notice_where_tolerance_was_due_is_named(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "enterprise-tolerate") as hall:
        app = trainee_app(hall, "en")
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            screen = await call_and_open(pilot, app)
            await _enterprise_checklist(pilot, screen)
            choice = screen.query_one("#decision-choice", OptionList)
            await pilot.press("down")  # 容缺受理 → 一次性告知
            await until(pilot, lambda: choice.highlighted == 1, "the notice highlighted")
            await store_and_finish(pilot, app, screen)
            report = await report_of(hall)
    (case,) = report.cases
    assert (case.taken, case.expected, case.score) == ("notice", "tolerate", 0)
    assert "expected: accept, rest later ✗" in render_text(report)


async def _serve_green(pilot: object, app: object, number: str) -> None:
    screen = await call_and_open(pilot, app)
    assert screen.state.ticket_number == number
    name, id_number, mobile = GREEN[number]
    await applicant_filled(pilot, screen, "GA-007", name, id_number, mobile)
    await pilot.press("r", "m", "enter")  # type: ignore[attr-defined]
    await until(pilot, lambda: screen.state.step == "decision", "the decision")
    await store_and_finish(pilot, app, screen)


async def test_the_green_channel_is_called_first(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "green-channel") as hall:
        app = trainee_app(hall)
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            for number in ("A003", "A001", "A002"):  # F2 calls the green ticket first
                await _serve_green(pilot, app, number)
            report = await report_of(hall)
    assert [(c.ticket_number, c.missed, c.score) for c in report.cases] == [
        ("A001", [], 100),
        ("A002", [], 100),
        ("A003", [], 100),
    ]
    assert report.score == 100


async def test_calling_a_walk_in_before_the_green_ticket_is_named(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "green-channel") as hall:
        app = trainee_app(hall, "en")
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            await pilot.press("g")  # call A001 by its number, past the green ticket
            await until(pilot, lambda: app.screen.query("#call-named-number"), "call by number")
            app.screen.query_one("#call-named-number", Input).value = "A001"
            await pilot.press("tab", *"first come", "enter")
            await until(pilot, lambda: app.session.current is not None, "A001 called")
            await pilot.press("enter")
            await until(pilot, lambda: app.session.can("finish"), "A001 served")
            await pilot.press("f8")  # served without a case
            await until(pilot, lambda: app.session.current is None, "A001 finished")
            await pilot.press("f2")
            await until(pilot, lambda: app.session.current is not None, "the next call")
            report = await report_of(hall)
    green = report.cases[2]
    assert green.ticket_number == "A003" and "called after A001" in green.missed[0]
    assert green.score < 100


async def _third_visit_checklist(pilot: object, app: object) -> IntakeScreen:
    screen = await call_and_open(pilot, app)
    await applicant_filled(pilot, screen, *ZHOU)
    await until(pilot, lambda: screen.state.earlier is not None, "the earlier notice")
    return screen


async def test_a_third_visit_is_raised_as_an_escalation(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "third-visit") as hall:
        app = trainee_app(hall)
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            await _third_visit_checklist(pilot, app)
            await pilot.press("f9")
            await until(pilot, lambda: isinstance(app.screen, EscalationForm), "the form")
            form = app.screen
            assert isinstance(form, EscalationForm)
            form.query_one("#f-category", Select).value = "urgent"
            await pilot.pause(0.05)
            await pilot.press("f10")
            await until(pilot, lambda: form.done is not None, "the registration")
            report = await report_of(hall)
    assert [(c.taken, c.missed, c.score) for c in report.cases] == [("escalate", [], 100)]


async def test_a_third_notice_instead_of_an_escalation_is_named(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "third-visit") as hall:
        app = trainee_app(hall, "en")
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            screen = await _third_visit_checklist(pilot, app)
            await pilot.press("m", "m", "enter")
            await until(pilot, lambda: screen.state.step == "decision", "the decision")
            await store_and_finish(pilot, app, screen)
            report = await report_of(hall)
    (case,) = report.cases
    assert (case.taken, case.expected, case.score) == ("notice", "escalate", 0)
    assert "expected: escalation ✗" in render_text(report)


async def _refuse(pilot: object, app: object, hall: object, refer_to: str) -> None:
    await ready(pilot, app, hall)  # type: ignore[arg-type]
    screen = await call_and_open(pilot, app)
    await applicant_filled(pilot, screen, *WU)
    await pilot.press("enter")  # nothing on the desk belongs to the item: only a refusal
    await until(pilot, lambda: screen.state.step == "decision", "the decision")
    await pilot.press("enter")
    await until(pilot, lambda: screen.focused is screen.query_one("#f-refuse_reason"), "reason")
    await pilot.press(*"属于法院执行事项", "tab", *refer_to)
    await store_and_finish(pilot, app, screen)


async def test_outside_competence_is_refused_naming_the_court(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "outside-competence") as hall:
        app = trainee_app(hall)
        async with app.run_test(size=SIZE) as pilot:
            await _refuse(pilot, app, hall, "市中级人民法院执行局")
            report = await report_of(hall)
    assert [(c.taken, c.missed, c.score) for c in report.cases] == [("refuse", [], 100)]


async def test_a_refusal_that_does_not_say_where_to_go_is_named(tmp_path: Path) -> None:
    async with scenario_hall(tmp_path, "outside-competence") as hall:
        app = trainee_app(hall, "en")
        async with app.run_test(size=SIZE) as pilot:
            await _refuse(pilot, app, hall, "信访局")
            report = await report_of(hall)
    (case,) = report.cases
    assert case.taken == "refuse" and case.score == 75
    assert case.missed == ["where to go does not name 法院"]
