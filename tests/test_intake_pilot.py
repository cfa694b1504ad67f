"""The intake driven by keys (Textual Pilot) against the real central API in-process:
every decision path stores the case the screen shows, and the document says what it must."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Input, Static

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.core import intake_draft
from screens.counter import CounterScreen
from screens.intake import IntakeScreen, open_intake
from screens.intake.dialogs import DocumentScreen, DraftsScreen, NoteScreen
from tests.hall_data import case_row
from tests.pilot import (
    SIZE,
    accept_everything,
    build,
    checklist_bdc002,
    checklist_for_a_served_ticket,
    choose_item,
    fill_applicant,
    open_the_intake,
    served_and_intake_open,
    sign_in,
    until,
)

ID = "11010519491231002X"  # valid (GB 11643), born 1949: old enough for every item
MOBILE = "13800138000"


async def test_accept_stores_the_case_and_shows_the_receipt(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path, sandbox: Path
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        number, screen = await served_and_intake_open(pilot, app, make_client)
        await choose_item(pilot, screen, "bdcdj cl", "BDC-002")
        await fill_applicant(pilot, screen)
        await until(pilot, lambda: screen.state.step == "checklist", "the checklist")
        await pilot.press("ctrl+a")  # every material received
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.step == "decision", "the decision")
        assert screen.state.decision == "accept"
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.step == "document", "the receipt")
        case = screen.case
        assert case is not None and case.decision == "accept"
        stored = await terminal_client.case(case.case_no)
        assert stored.item_code == "BDC-002" and stored.ticket_number == number
        assert stored.window_no == 5 and stored.staff_no == "1005"
        assert stored.applicant.id_number == ID and stored.delivery == "window"
        assert all(e.state == "received" for e in stored.checklist)
        assert stored.due_date is not None
        assert case_row(db_path, case.case_no)["decision"] == "accept"
        text = screen.document
        assert "受理通知书" in text and case.case_no in text
        assert "110105********002X" in text and ID not in text  # masked on the receipt
        assert f"{stored.due_date.year}年{stored.due_date.month}月{stored.due_date.day}日" in text
        # The draft is gone once the case is stored.
        await until(pilot, lambda: not intake_draft.pending(), "the draft removed")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "back at the counter")


async def test_tolerate_needs_a_commitment_date_and_lists_what_to_bring(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await checklist_for_a_served_ticket(pilot, app, make_client)
        # 1-5 received, 6 婚姻状况证明 容缺, 7 授权委托书 (optional) missing.
        await pilot.press("r", "r", "r", "r", "r", "c", "m")
        assert screen.state.marks["婚姻状况证明"] == "tolerated"
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.step == "decision", "the decision")
        assert screen.state.decision == "tolerate"
        await until(pilot, lambda: screen.due is not None, "the due date preview")
        assert screen.due is not None and screen.due.due.isoformat() == "2026-11-20"
        await pilot.press("enter")  # no commitment date yet: said at the field, focus there

        def commitment_error() -> str:
            return str(screen.query_one("#error-commitment", Static).content)

        await until(pilot, lambda: "required" in commitment_error(), "the date asked for")
        assert "Brings the rest by" in commitment_error()
        assert screen.case is None
        await pilot.press(*"2026-11-30", "enter")  # after the due date: refused at the field
        await until(pilot, lambda: "later than the due date" in commitment_error(), "refused")
        await pilot.press("ctrl+u", *"2026-11-19", "enter")
        await until(pilot, lambda: screen.case is not None, "the case")
        case = await terminal_client.case(screen.case.case_no)  # type: ignore[union-attr]
        assert case.decision == "tolerate" and case.commitment_date.isoformat() == "2026-11-19"  # type: ignore[union-attr]
        states = {e.material: e.state for e in case.checklist}
        assert states["婚姻状况证明"] == "tolerated" and states["授权委托书"] == "missing"
        text = screen.document.replace("\n", "")
        assert "容缺受理通知书" in text and "2026年11月19日前补齐" in text
        tail = text[text.index("容缺材料") :]
        assert "婚姻状况证明" in tail and "授权委托书" not in tail


async def test_notice_lists_every_gap_with_its_reason_and_the_applicant_returns(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await checklist_for_a_served_ticket(pilot, app, make_client)
        # 3 flawed (with a note), 5 missing, 6 missing (容缺-able but 3 and 5 are not).
        await pilot.press("r", "r", "f")  # flawed asks what is wrong at once
        await until(pilot, lambda: isinstance(app.screen, NoteScreen), "the note")
        await pilot.press(*"已过期", "enter")
        await until(pilot, lambda: app.screen is screen, "back at the checklist")
        await pilot.press("r", "m", "m", "m")
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.step == "decision", "the decision")
        assert screen.state.decision == "notice"
        await pilot.press("enter")
        await until(pilot, lambda: screen.case is not None, "the case")
        case = await terminal_client.case(screen.case.case_no)  # type: ignore[union-attr]
        assert case.decision == "notice" and case.due_date is None
        notes = {e.material: (e.state, e.note) for e in case.checklist}
        assert notes["不动产权证书或房屋所有权证、土地使用证"] == ("flawed", "已过期")
        assert notes["契税完税凭证"] == ("missing", "未提供")
        text = screen.document.replace("\n", "")
        assert "一次性告知书" in text and "共3项" in text
        for needle in ("已过期", "契税完税凭证", "婚姻状况证明", "未提供"):
            assert needle in text
        assert "授权委托书" not in text  # optional and missing: not a gap
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "the counter")

        # The applicant comes back: the checklist starts from the notice.
        again = await open_the_intake(pilot, app)
        await checklist_bdc002(pilot, again)
        await until(pilot, lambda: again.state.earlier is not None, "the earlier notice")
        assert again.state.earlier.case_no == case.case_no  # type: ignore[union-attr]
        assert again.state.marks == {
            "不动产登记申请书": "received",
            "买卖双方身份证明": "received",
            "存量房买卖合同（网签备案）": "received",
        }
        banner = str(again.query_one("#earlier-banner", Static).content)
        assert case.case_no in banner and "3" in banner
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, DocumentScreen), "the earlier notice")
        shown = app.screen
        assert isinstance(shown, DocumentScreen) and "已过期" in shown.text
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is again, "back at the checklist")
        # What was missing is now brought: only the open ones need a key.
        assert [m.name for m in again.item.materials if m.name not in again.state.marks] == [  # type: ignore[union-attr]
            "不动产权证书或房屋所有权证、土地使用证",
            "契税完税凭证",
            "婚姻状况证明",
            "授权委托书",
        ]


async def test_refuse_with_a_reason_and_where_to_go(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    app = build(terminal_client, clock, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await checklist_for_a_served_ticket(pilot, app, make_client)
        await pilot.press("enter")  # nothing checked: only a refusal is possible
        await until(pilot, lambda: screen.state.step == "decision", "the decision")
        assert screen.query_one("DecisionStep").possible == ["refuse"]  # type: ignore[attr-defined]
        await pilot.press("enter")
        reason = screen.query_one("#f-refuse_reason")
        await until(pilot, lambda: screen.focused is reason, "the reason asked for")
        assert screen.case is None
        await pilot.press(*"属于法院执行事项", "tab", *"市中级人民法院", "enter")
        await until(pilot, lambda: screen.case is not None, "the case")
        case = await terminal_client.case(screen.case.case_no)  # type: ignore[union-attr]
        assert case.decision == "refuse" and case.refuse_reason == "属于法院执行事项"
        assert case.refer_to == "市中级人民法院"
        assert "不予受理告知书" in screen.document and "市中级人民法院" in screen.document
        assert case_row(db_path, case.case_no)["refer_to"] == "市中级人民法院"


async def test_an_invalid_id_number_is_said_at_the_field(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        screen = await open_the_intake(pilot, app)  # no ticket: allowed
        assert screen.state.ticket_id is None
        await choose_item(pilot, screen, "BDC-002", "BDC-002")
        await fill_applicant(pilot, screen, number="110105194912310021")  # wrong check digit
        error = screen.query_one("#error-id_number", Static)
        await until(pilot, lambda: error.display, "the ID number's error")
        assert screen.state.step == "applicant"
        assert str(error.content) == (
            "ID number: the check character does not match: a character was mistyped."
        )
        assert screen.focused is screen.query_one("#f-id_number")
        await pilot.press(*ID, "enter")  # the field was selected on focus: typing replaces it
        await until(pilot, lambda: screen.state.step == "checklist", "the checklist")
        assert not screen.query_one("#error-id_number", Static).display


async def test_a_draft_is_kept_private_offered_after_restart_and_removed_after_submit(
    central_app: Any, make_client: Any, clock: Any, sandbox: Path
) -> None:
    first_client = CentralClient(
        "http://central.test", transport=StreamingASGITransport(central_app)
    )
    app = build(first_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        screen = await open_the_intake(pilot, app)
        await choose_item(pilot, screen, "BDC-002", "BDC-002")
        await pilot.press(*"张三", "tab", "tab", *ID, "tab")  # leaving a field saves
        await until(
            pilot,
            lambda: any(
                d.applicant_name == "张三" and d.state["applicant"]["id_number"] == ID
                for d in intake_draft.pending("1005")
            ),
            "the draft",
        )
    await first_client.aclose()  # the terminal is closed mid-intake
    (draft,) = intake_draft.pending("1005", "http://central.test")
    path = intake_draft.path_of(draft.id)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert draft.item_name == "不动产登记（存量房买卖转移登记）" and draft.step == "applicant"

    client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    again = build(client, clock)
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(pilot, again)
        open_intake(again)
        # Offered means drawn with its list focused: a key pressed before that goes nowhere.
        await until(
            pilot,
            lambda: (
                isinstance(again.screen, DraftsScreen)
                and again.focused is not None
                and again.focused.id == "drafts"
            ),
            "the draft offered",
        )
        await pilot.press("enter")  # continue the kept intake
        screen = again.screen_stack[-1]
        assert isinstance(screen, IntakeScreen)
        await until(
            pilot, lambda: screen.state.step == "applicant" and screen.item is not None, "resumed"
        )
        assert screen.draft_id == draft.id
        assert screen.query_one("#f-name", Input).value == "张三"
        assert screen.query_one("#f-id_number", Input).value == ID
        await pilot.press("tab", "tab", "tab", *MOBILE, "enter")
        await until(pilot, lambda: screen.state.step == "checklist", "the checklist")
        await accept_everything(pilot, screen)
        await until(pilot, lambda: not path.exists(), "the draft removed")
        assert intake_draft.pending() == []
    await client.aclose()


class DroppingTransport(StreamingASGITransport):
    """The network between terminal and central: drops POST /v1/cases while `down`.

    `lose_answers`: the request reaches the server, the answer is lost on the way back.
    """

    down = False
    lose_answers = False
    posts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/cases" and request.method == "POST":
            self.posts += 1
            if self.down:
                raise httpx.ConnectError("network is unreachable", request=request)
            if self.lose_answers:
                response = await super().handle_async_request(request)
                await response.aread()
                raise httpx.ReadError("connection reset", request=request)
        return await super().handle_async_request(request)


@pytest.mark.parametrize("lost", ["request", "answer"])
async def test_a_dropped_network_keeps_the_draft_and_a_retry_stores_one_case(
    central_app: Any, make_client: Any, clock: Any, db_path: Path, lost: str
) -> None:
    transport = DroppingTransport(central_app)
    client = CentralClient("http://central.test", transport=transport)
    app = build(client, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await checklist_for_a_served_ticket(pilot, app, make_client)
        await pilot.press("ctrl+a", "enter")
        await until(pilot, lambda: screen.state.step == "decision", "the decision")
        transport.down = lost == "request"
        transport.lose_answers = lost == "answer"
        await pilot.press("enter")
        problem = screen.query_one("#decision-problem", Static)
        await until(pilot, lambda: "Not stored" in str(problem.content), "the failure said")
        assert str(problem.content).startswith("Not stored: the central API did not answer;")
        assert screen.case is None and screen.state.step == "decision"
        (draft,) = intake_draft.pending("1005")
        assert draft.state["request"]["decision"] == "accept"  # the request is kept to retry

        transport.down = transport.lose_answers = False
        await pilot.press("enter")  # try again
        await until(pilot, lambda: screen.case is not None, "the case")
        await until(pilot, lambda: not intake_draft.pending(), "the draft removed")
    await client.aclose()
    with sqlite3.connect(db_path) as db:
        count = db.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
    assert count == 1  # the retry sends the same Idempotency-Key: answered, not taken twice
