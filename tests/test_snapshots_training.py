"""Snapshots of training at 80×24, zh and en: the documents on the desk beside the intake's
checklist (the bus-card scenario's citizen), and the trainee report on Ctrl+T.

Deterministic: the fixed clock, no simulator; the scenario's desk comes from the shipped
scenario file, the report is fixed data (grading is tested end to end elsewhere).
Look at each SVG in tests/__snapshots__/ before accepting it with --snapshot-update.
"""

from __future__ import annotations

from typing import Any

import pytest

from counter.core.desk import Desk
from counter.core.i18n import current_language
from counter.core.trainee_report import CaseResult, TraineeReport
from screens.counter import CounterScreen
from screens.sign_on import SignOnScreen
from tests.pilot import SIZE, QuietDemo, build, in_process, intake_for_a_ticket, settle

pytest.importorskip("central.app")


class ScriptedTraining:
    """The bus-card scenario's citizen on the desk of whatever ticket is at the window."""

    def __init__(self) -> None:
        from counter.demo.scenario import load

        self.citizen = load("bus-card-copy").citizens[0]

    def desk(self, ticket_id: int | None) -> Desk:
        c = self.citizen
        english = current_language() == "en"
        return Desk(
            citizen=c.name,
            ticket_number="A001",
            says=c.says_en if english else c.says,
            documents=c.documents,
            id_label="ID card no." if english else "身份证号",
            id_number=c.id_number,
            mobile=c.mobile,
        )

    def key_pressed(self) -> None:
        return None

    async def report(self, trainee: str = "") -> TraineeReport:
        english = current_language() == "en"
        missed = (
            "gap not listed in the notice: 近期一寸免冠彩色照片"
            if english
            else "告知书未列出缺项：近期一寸免冠彩色照片"
        )
        return TraineeReport(
            scenario="bus-card-copy",
            title="Senior bus card: only a copy of the ID card"
            if english
            else "老年卡：只带了身份证复印件",
            trainee=trainee,
            cases=[
                CaseResult(
                    1,
                    "王秀英",
                    "A001",
                    "老年人公交免费乘车卡办理",
                    "notice",
                    "notice",
                    missed=[missed],
                    points=["告知书一次列全所有缺项"],
                    seconds=185,
                    keys=64,
                ),
                CaseResult(
                    2, "赵建国", "A002", "户籍证明开具", "accept", "refuse", seconds=72, keys=31
                ),
            ],
        )


class TrainingDemo(QuietDemo):
    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.training = ScriptedTraining()


def training_app(central_app: Any, clock: Any, lang: str) -> Any:
    app = build(in_process(central_app), clock, lang=lang, login_as="1005")
    app.demo = TrainingDemo(app.client)
    return app


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_documents_on_the_desk(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = training_app(central_app, clock, lang)

    async def ready(pilot: Any) -> None:
        screen = await intake_for_a_ticket(pilot, central_app)
        await pilot.press(*"GJ-001", "enter")
        await settle(pilot, lambda: screen.state.step == "applicant")
        await pilot.press(*"王秀英", "tab", "tab", *"110102195203081127", "tab", *"13911112222")
        await pilot.press("enter")
        await settle(pilot, lambda: screen.state.step == "checklist")

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_trainee_report(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = training_app(central_app, clock, lang)

    async def ready(pilot: Any) -> None:
        await settle(pilot, lambda: isinstance(app.screen, SignOnScreen))
        await pilot.press("enter")
        # The status line behind the report names the connection: wait until it is live.
        await settle(
            pilot,
            lambda: isinstance(app.screen, CounterScreen) and app.session.connection == "live",
        )
        await pilot.press("ctrl+t")
        await settle(pilot, lambda: type(app.screen).__name__ == "TraineeReportScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
