"""The trainer's classroom on the supervisor's console (key 7 on the hall board): every trainee
with their window's state and ticket, their scenario, how many of its citizens they decided and
their score; Enter shows a trainee's report, r restarts their scenario. Against a central that
is no classroom, 7 says so and the board stays. Snapshots at 80×24 in zh and en.

The classroom is `counter serve --demo`'s (make_classroom on the test's central app, in-process);
trainee 1001 works through the API: signs on, calls the green-channel citizen and accepts them.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable

from client.api import CentralClient
from client.case_models import Applicant, CaseRequest, ChecklistEntry
from screens.supervisor.board import HallBoardScreen
from screens.supervisor.classroom import ClassroomScreen
from screens.trainee_report import TraineeReportScreen
from screens.widgets.status_line import StatusLine
from tests.pilot import build, in_process, settle, until
from tests.training_pilot import classroom_on

pytest.importorskip("central.app")


async def a_trainee_decides_one(central_app: Any, room: Any) -> None:
    """The scenario's citizens in line; 1001 calls the green one first and accepts them."""
    await room.start()
    trainee = in_process(central_app)
    try:
        await trainee.login("1001", "counter")
        await trainee.sign_on(1)
        called = await trainee.call_next(1)
        assert called is not None
        await trainee.start(called.id)
        item = await trainee.catalog_item("GA-007")
        received = [ChecklistEntry(material=m.name, state="received") for m in item.materials]
        await trainee.create_case(
            CaseRequest(
                item_code="GA-007",
                applicant=Applicant(
                    kind="person", name="孙志刚", id_kind="resident_id",
                    id_number="11010619471105402X",
                ),
                checklist=received,
                decision="accept",
                ticket_id=called.id,
                window_no=1,
            )
        )  # fmt: skip
    finally:
        await trainee.aclose()


def rows(table: DataTable[Any]) -> dict[str, list[str]]:
    return {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows}


async def test_the_trainer_sees_every_trainee_opens_a_report_and_restarts(
    central_app: Any, clock: Any
) -> None:
    room = classroom_on(central_app)
    app = build(in_process(central_app), clock, lang="en", login_as="2001", demo=True)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board")
            await a_trainee_decides_one(central_app, room)
            await pilot.press("7")
            await until(pilot, lambda: isinstance(app.screen, ClassroomScreen), "the classroom")
            screen = app.screen
            assert isinstance(screen, ClassroomScreen)
            table = screen.query_one("#classroom", DataTable)
            await until(pilot, lambda: screen.loads > 0 and table.row_count == 2, "trainees")
            shown = rows(table)
            wang, li = shown["1001"], shown["1002"]
            assert wang[2] == "1" and wang[3] == "serving" and wang[4].startswith("A")
            assert wang[7].startswith("Green channel") and wang[5] == "1/3"
            assert li[7] == "no scenario" and li[5] == "" and li[3] == "signed off"

            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, TraineeReportScreen), "report")
            report = app.screen
            assert isinstance(report, TraineeReportScreen)
            assert "孙志刚" in report.text and "赵建国" in report.text
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is screen, "back to the classroom")

            first = [ticket.id for ticket in room.trainees["1001"].training.tickets]
            await pilot.press("r")
            await until(
                pilot,
                lambda: [t.id for t in room.trainees["1001"].training.tickets] != first,
                "the restart",
            )
            supervisor = await _signed_in(central_app, "2001")
            waiting = [await supervisor.ticket(no) for no in first]
            await supervisor.aclose()
            # The two still waiting are cancelled; the one at the window stays with the trainee.
            assert sorted(t.status for t in waiting) == ["cancelled", "cancelled", "serving"]
            await until(pilot, lambda: rows(table)["1001"][5] == "0/3", "the new run shown")

            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board")
    finally:
        await room.aclose()


async def _signed_in(central_app: Any, staff_no: str) -> CentralClient:
    client = in_process(central_app)
    await client.login(staff_no, "counter")
    return client


async def test_the_trainers_own_screens_are_marked_in_a_classroom(
    central_app: Any, clock: Any
) -> None:
    """Signed in with `counter --url` (no demo in the terminal) to a classroom's central."""
    room = classroom_on(central_app)
    app = build(in_process(central_app), clock, lang="en", login_as="2001")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board")
            await until(pilot, lambda: bool(app.screen.query(".demo-mark")), "the board marked")
            await pilot.press("7")
            await until(pilot, lambda: isinstance(app.screen, ClassroomScreen), "the classroom")
            await until(pilot, lambda: bool(app.screen.query(".demo-mark")), "classroom marked")
    finally:
        await room.aclose()


async def test_a_central_that_is_no_classroom_says_so(central_app: Any, clock: Any) -> None:
    app = build(in_process(central_app), clock, lang="en", login_as="2001")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board")
        await pilot.press("7")
        await until(
            pilot,
            lambda: any("no classroom" in str(n.message) for n in app._notifications),
            "the notice",
        )
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board stays")
        # The same answer told the terminal it is no classroom: no DEMO · 培训 mark.
        assert not app.screen.query(".demo-mark") and not app.trainer_in_classroom


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_classroom_snapshot(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    room = classroom_on(central_app)
    app = build(in_process(central_app), clock, lang=lang, login_as="2001", demo=True)

    async def ready(pilot: Any) -> None:
        await settle(pilot, lambda: isinstance(app.screen, HallBoardScreen))
        await a_trainee_decides_one(central_app, room)
        await pilot.press("7")
        await settle(pilot, lambda: isinstance(app.screen, ClassroomScreen))
        screen = app.screen
        await settle(pilot, lambda: getattr(screen, "loads", 0) > 0)
        await settle(pilot, lambda: app.session.connection == "live")
        for line in app.screen.query(StatusLine):
            line.redraw()
        await settle(pilot, lambda: True)

    # Nothing simulated runs in this classroom (simulate=False): nothing to stop afterwards.
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)
