"""The intake driven by keys (Textual Pilot) against the real central API in-process:
every decision path stores the case the screen shows, and the document says what it must."""

from __future__ import annotations

import os
import stat
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter import catalog_cache, intake_draft
from counter.app import CounterApp, make_app
from counter.config import Config
from screens.counter import CounterScreen
from screens.intake import IntakeScreen, open_intake
from screens.intake.dialogs import DocumentScreen, DraftsScreen, NoteScreen
from screens.login import LoginScreen
from screens.sign_on import SignOnScreen

SIZE = (80, 24)
ID = "11010519491231002X"  # valid (GB 11643), born 1949: old enough for every item
MOBILE = "13800138000"


@pytest.fixture(autouse=True)
def local_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Drafts, saved documents and the catalog cache go to the test's own directory."""
    monkeypatch.setenv(intake_draft.ENV_VAR, str(tmp_path / "data"))
    monkeypatch.setenv(catalog_cache.ENV_VAR, str(tmp_path / "cache"))
    catalog_cache.forget()
    return tmp_path


@pytest.fixture
async def terminal_client(central_app: Any) -> AsyncIterator[CentralClient]:
    client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    yield client
    await client.aclose()


def build(client: CentralClient, clock: Any, **config: Any) -> CounterApp:
    options: dict[str, Any] = {"central_url": "http://central.test", "lang": "en", "window": 5}
    options.update(config)
    return make_app(client=client, config=Config(**options), clock=clock)


async def until(pilot: Any, condition: Callable[[], bool], what: str, tries: int = 250) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def sign_in(pilot: Any, app: CounterApp, staff_no: str = "1005") -> None:
    await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
    await pilot.press(*staff_no, "enter", *"counter", "enter")
    await until(pilot, lambda: isinstance(app.screen, SignOnScreen), "the sign-on screen")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CounterScreen), "the counter screen")
    await until(pilot, lambda: bool(app.session.queues), "the queue figures")


async def serve_a_ticket(pilot: Any, app: CounterApp, make_client: Any) -> str:
    kiosk = await make_client("kiosk01")
    number = (await kiosk.issue_ticket("A")).number
    await pilot.press("f2")
    await until(pilot, lambda: app.session.current is not None, "the call")
    await pilot.press("enter")
    await until(pilot, lambda: app.session.can("finish"), "service to start")
    return number


async def open_the_intake(pilot: Any, app: CounterApp) -> IntakeScreen:
    """F5 on the counter screen; until the integrator wires F5, the same hook directly."""
    await pilot.press("f5")
    await pilot.pause(0.1)
    if not isinstance(app.screen, IntakeScreen):
        open_intake(app)
    await until(pilot, lambda: isinstance(app.screen, IntakeScreen), "the intake")
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    await until(pilot, lambda: screen.loaded is not None, "the catalog")
    return screen


async def choose_item(pilot: Any, screen: IntakeScreen, query: str, code: str) -> None:
    await pilot.press(*query)
    await until(pilot, lambda: screen.query_one("ItemSearch").results != [], "results")  # type: ignore[attr-defined]
    results = screen.query_one("ItemSearch").results  # type: ignore[attr-defined]
    assert results[0].code == code, [r.code for r in results[:5]]
    await pilot.press("enter")
    await until(pilot, lambda: screen.state.step == "applicant", "the applicant step")


async def person(pilot: Any, screen: IntakeScreen, name: str = "张三", number: str = ID) -> None:
    # Focus starts in the name field: name, Tab (ID kind), Tab, ID number, Tab, mobile, Enter.
    await pilot.press(*name, "tab", "tab", *number, "tab", *MOBILE, "enter")


def case_row(db_path: Path, case_no: str) -> dict[str, Any]:
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM cases WHERE case_no = ?", (case_no,)).fetchone()
    assert row is not None, case_no
    return dict(row)


async def test_accept_stores_the_case_and_shows_the_receipt(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path, local_dirs: Path
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        number = await serve_a_ticket(pilot, app, make_client)
        screen = await open_the_intake(pilot, app)
        await choose_item(pilot, screen, "bdcdj cl", "BDC-002")
        await person(pilot, screen)
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
