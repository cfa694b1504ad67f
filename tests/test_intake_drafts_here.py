"""A kept draft belongs to a central, a hall and a ticket (issue 9 items 1, 2): offered at
another ticket it says so and its data moves to the ticket at the window, never submitted
against the old one; the offer does not eat the search typed right after F5; discarding asks."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.widgets import Input

from client.api import CentralClient
from counter.core import intake_draft
from screens.intake import IntakeScreen
from screens.intake.dialogs import DiscardDraftScreen, DraftsScreen
from screens.intake.state import ApplicantForm, IntakeState
from tests.hall_data import MOBILE
from tests.hall_data import SENIOR_ID as ID
from tests.pilot import SIZE, accept_everything, build, serve_a_ticket, sign_in, until

DRAFT_ID = "0123456789abcdef0123456789abcdef"


def keep_a_draft(ticket_id: int | None, number: str, hall: str = "") -> None:
    """What F2, F5, item, applicant, ctrl+q leaves on disk, for ticket `number`."""
    state = IntakeState(
        step="applicant",
        ticket_id=ticket_id,
        ticket_number=number or None,
        window_no=5,
        item_code="BDC-002",
        item_name="不动产登记（存量房买卖转移登记）",
        applicant=ApplicantForm(name="张三", id_number=ID),
    )
    draft = intake_draft.Draft(
        id=DRAFT_ID,
        staff_no="1005",
        central="http://central.test",
        saved_at=datetime(2026, 11, 17, 9, 0),
        step="applicant",
        item_name=state.item_name,
        applicant_name="张三",
        ticket_number=number,
        state=state.model_dump(mode="json"),
        hall=hall,
    )
    intake_draft.save(draft)


async def test_a_draft_of_another_ticket_moves_to_the_ticket_at_the_window(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path, sandbox: Path
) -> None:
    kiosk = await make_client("kiosk01")
    stale = await kiosk.issue_ticket("A")  # waiting in the hall, not at this window
    keep_a_draft(stale.id, stale.number)
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f2")  # calls the stale ticket's queue: the first waiting one
        await until(pilot, lambda: app.session.current is not None, "the call")
        here = app.session.current
        assert here is not None
        if here.id == stale.id:  # the queue served it: make another ticket the one at hand
            keep_a_draft(stale.id + 1000, "A029")
        await pilot.press("enter")
        await until(pilot, lambda: app.session.can("finish"), "service")
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, DraftsScreen), "the draft offered")
        offer = app.screen
        assert isinstance(offer, DraftsScreen) and offer.elsewhere == {DRAFT_ID}
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        await until(pilot, lambda: screen.state.applicant.name == "张三", "the data taken over")
        assert screen.state.ticket_id == here.id and screen.state.ticket_number == here.number
        head = str(screen.query_one("#intake-head").render())
        assert here.number in head and "A029" not in head
        await until(pilot, lambda: screen.state.step == "applicant", "the applicant step")
        await pilot.press("tab", "tab", "tab", *MOBILE, "enter")
        await until(pilot, lambda: screen.state.step == "checklist", "the checklist")
        await accept_everything(pilot, screen)
    with sqlite3.connect(db_path) as db:
        stored = db.execute("SELECT ticket_number FROM cases").fetchall()
    assert stored == [(here.number,)]  # against the ticket at the window, once


async def test_typing_right_after_f5_is_the_search_and_discarding_asks(
    terminal_client: CentralClient, make_client: Any, clock: Any, sandbox: Path
) -> None:
    keep_a_draft(None, "")
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await serve_a_ticket(pilot, app, make_client)
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, DraftsScreen), "the draft offered")
        await pilot.press(*"bdcdj")
        await pilot.pause(0.1)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.query_one("#item-query", Input).value == "bdcdj"
        assert [d.id for d in intake_draft.pending("1005")] == [DRAFT_ID]  # not discarded

        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, IntakeScreen), "back")
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, DraftsScreen), "offered again")
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, DiscardDraftScreen), "the question")
        await pilot.press("n")  # keeps it
        await until(pilot, lambda: isinstance(app.screen, DraftsScreen), "the offer again")
        assert intake_draft.pending("1005") != []
        await pilot.press("delete")
        await until(pilot, lambda: isinstance(app.screen, DiscardDraftScreen), "asked again")
        await pilot.press("y")
        await until(pilot, lambda: intake_draft.pending("1005") == [], "the draft discarded")
