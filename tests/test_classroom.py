"""A classroom: `counter serve --demo` as a real process; two trainees' terminals join it over
HTTP (one a real terminal pressing keys, one another client of the same API), each with their
own scripted citizen waiting for their own window; the trainer reads every trainee's report with
`counter report trainees`, on stdout and as one CSV for the class."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Static

from client import training_api
from client.api import CentralClient
from client.case_models import Applicant, CaseRequest, ChecklistEntry
from counter import cli
from counter.app import make_app
from counter.core import i18n
from counter.core.config import Config
from screens.intake import IntakeScreen
from screens.intake.dialogs import NoteScreen
from tests.central_process import free_port, start_serve, stop
from tests.pilot import sign_in, until
from tests.training_pilot import SIZE, call_and_open, item_and_person, store_and_finish

pytest.importorskip("central.app")

WANG = ("GJ-001", "王秀英", "110102195203081127", "13911112222")
WU = Applicant(kind="person", name="吴海涛", id_kind="resident_id", id_number="11010119700603501X")


@pytest.fixture(scope="module")
def classroom() -> Iterator[str]:
    port = free_port(18700, 18799)
    proc = start_serve(
        port,
        "--demo", "--quiet", "--trainees", "1001,1002",
        "--assign", "1001=bus-card-copy", "--assign", "1002=outside-competence",
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


async def _second_trainee_refuses_without_saying_where(url: str) -> None:
    """Trainee 1002 at window 2: calls their citizen, reads the desk, refuses — but names no
    court as the place to go (the deliberate mistake)."""
    client = CentralClient(url)
    try:
        await client.login("1002", "counter")
        place = await training_api.my_place(client)
        assert (place.window, place.scenario) == (2, "outside-competence")
        await client.sign_on(2)
        answer = await client.call_next(2)
        assert answer is not None
        desk = await training_api.desk(client, answer.id)
        assert desk.citizen == "吴海涛" and desk.documents[0].note == "执行程序尚未终结"
        await client.start(answer.id)
        item = await client.catalog_item("BDC-002")
        checklist = [ChecklistEntry(material=m.name, state="missing") for m in item.materials]
        await client.create_case(
            CaseRequest(
                item_code="BDC-002", applicant=WU, checklist=checklist, decision="refuse",
                ticket_id=answer.id, window_no=2, refuse_reason="不属于受理范围",
                refer_to="原单位",
            )
        )  # fmt: skip
        await client.finish(answer.id)
        mine = await training_api.my_report(client)
        assert [m.key for m in mine.cases[0].missed] == ["training.miss.refer_to"]
    finally:
        await client.aclose()


async def test_two_trainees_and_the_trainer_in_one_classroom(
    classroom: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = classroom
    client = CentralClient(url)
    app = make_app(client=client, config=Config(central_url=url, lang="zh", window=1))
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app, "1001")
        await until(pilot, lambda: app.classroom is not None, "the classroom joined")
        # The other trainee works at the same time, at their own window.
        second = asyncio.create_task(_second_trainee_refuses_without_saying_where(url))
        screen = await call_and_open(pilot, app)
        await until(
            pilot,
            lambda: "只有复印件" in str(screen.query_one("#intake-desk", Static).content),
            "the papers on the desk, from the classroom",
        )
        assert screen.query(".demo-mark"), "a classroom's screens are marked DEMO · 培训"
        await item_and_person(pilot, screen, *WANG)
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.screen, NoteScreen), "the note")
        await pilot.press(*"只有复印件", "enter")
        await until(pilot, lambda: isinstance(app.screen, IntakeScreen), "the checklist")
        await pilot.press("m", "m", "enter")
        await until(pilot, lambda: screen.state.step == "decision", "the decision")
        await store_and_finish(pilot, app, screen)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: type(app.screen).__name__ == "TraineeReportScreen", "report")
        shown = app.screen.text  # type: ignore[attr-defined]
        await second
    await client.aclose()
    assert "得分 100/100" in shown and "王秀英" in shown

    # The trainer: every trainee's report, in English this time, and the class's CSV (the
    # CLI's own code, in a thread: its asyncio.run needs a loop of its own).
    table = tmp_path / "class.csv"
    monkeypatch.setenv("COUNTER_PASSWORD", "counter")
    argv = ["report", "trainees", "--url", url, "--as", "2001", "--csv", str(table), "--lang", "en"]
    try:
        code = await asyncio.to_thread(cli.main, argv)
    finally:
        i18n.set_language("zh")
    out = capsys.readouterr().out
    assert code == 0
    assert "Classroom: 2 trainees, 2 reports" in out
    assert "1001 王芳 · window 1" in out and "1002 李娜 · window 2" in out
    assert "Score 100/100" in out
    assert "Missed: where to go does not name 法院" in out
    rows = list(csv.DictReader(table.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["staff_no"], r["taken"], r["score"]) for r in rows] == [
        ("1001", "notice", "100"),
        ("1002", "refuse", "75"),
    ]
    assert int(rows[0]["keys"]) > 20  # the real terminal's keys reached the central


def test_a_trainee_sees_only_their_own_and_the_trainer_everyone(classroom: str) -> None:
    async def check() -> None:
        trainee, trainer, other = CentralClient(classroom), CentralClient(classroom), None
        try:
            await trainee.login("1002", "counter")
            await trainer.login("2001", "counter")
            from client import errors

            with pytest.raises(errors.Forbidden):
                await training_api.classroom(trainee)
            with pytest.raises(errors.Forbidden):
                await training_api.restart(trainee, "1001")
            with pytest.raises(errors.NotFound):
                await training_api.my_place(trainer)  # the trainer is no trainee
            with pytest.raises(errors.NotFound):
                await training_api.assign(trainer, "1001", "../etc/passwd")
            view = await training_api.classroom(trainer)
            assert [p.staff_no for p in view.trainees] == ["1001", "1002"]
            other = CentralClient(classroom)
            await other.login("1003", "counter")  # a clerk, but not in this classroom
            with pytest.raises(errors.NotFound):
                await training_api.my_place(other)
        finally:
            for client in (trainee, trainer, other):
                if client is not None:
                    await client.aclose()

    asyncio.run(check())
