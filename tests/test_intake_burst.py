"""A whole intake typed in one burst, Enter between the fields (issue 9, a leftover of item 9's
scanner fix): a clerk who knows the screens types ahead of them — the item's code, Enter, the
applicant's name, ID number and mobile, Enter, every material received, Enter, Enter — before
the screen has drawn the step they type into. Every key must land where it means to, and the
case stored must be the one typed."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual import events
from textual.keys import _character_to_key

from client.api import CentralClient
from client.case_models import Case
from counter.app import CounterApp
from screens.counter import CounterScreen
from tests.hall_data import MOBILE, SENIOR_ID
from tests.pilot import SIZE, build, serve_a_ticket, served_and_intake_open, sign_in, until

NAMED = {"tab": "\t", "enter": "\r"}


def burst(app: CounterApp, keys: list[str]) -> None:
    """Keys as fast hands or a scanner type them: all sent before the app handles the first."""
    for key in keys:
        if key in NAMED or len(key) > 1:
            event = events.Key(key, NAMED.get(key))
        else:
            event = events.Key(_character_to_key(key), key)
        event.set_sender(app)
        app.post_message(event)


def cases_in(db_path: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM cases")]


async def the_one_case_stored(client: CentralClient, db_path: Path, number: str, name: str) -> Case:
    """Exactly one case in the database, and it is the one typed: BDC-002 for the ticket at the
    window, the applicant as typed (the ID upper case), every material received, accepted."""
    rows = cases_in(db_path)
    assert len(rows) == 1, rows  # stored once
    stored = await client.case(rows[0]["case_no"])
    assert stored.item_code == "BDC-002"
    assert stored.ticket_number == number
    assert stored.applicant.name == name
    assert stored.applicant.id_number == SENIOR_ID
    assert stored.applicant.mobile == MOBILE
    assert stored.decision == "accept" and rows[0]["decision"] == "accept"
    assert stored.checklist and all(e.state == "received" for e in stored.checklist)
    return stored


async def test_a_whole_intake_typed_in_one_burst_is_the_case_stored(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        number, screen = await served_and_intake_open(pilot, app, make_client)
        await until(pilot, lambda: app.focused is not None, "the search box focused")
        name = "张三"
        burst(
            app,
            [
                *"BDC-002",
                "enter",  # the item; the applicant's name field
                *name,
                "tab",  # the ID kind (resident ID, as it is)
                "tab",
                *SENIOR_ID.lower(),  # an x typed lower case is kept upper case
                "tab",
                *MOBILE,
                "enter",  # the checklist
                "ctrl+a",  # every material received
                "enter",  # the decision: accept
                "enter",  # stored; the receipt
            ],
        )
        await until(pilot, lambda: screen.case is not None, "the case stored", seconds=30)
        await until(pilot, lambda: screen.state.step == "document", "the receipt")
        stored = await the_one_case_stored(terminal_client, db_path, number, name)
        assert stored.case_no == screen.case.case_no  # type: ignore[union-attr]

        app.post_message(events.Key("enter", "\r"))  # the receipt closed: back at the counter
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "back at the counter")


async def test_f5_the_intake_the_decision_and_the_receipt_typed_in_one_burst(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    """From the counter: F5 and every key of the intake up to the receipt's Enter, all typed
    before the intake has even opened. The keys behind F5 wait for the search box, the keys
    behind the decision's Enter wait for the receipt (the case is stored meanwhile), and the
    receipt's Enter brings the clerk back to the counter."""
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        number = await serve_a_ticket(pilot, app, make_client)
        counter = app.screen
        name = "李四"
        burst(
            app,
            [
                "f5",  # the intake opens; the search box takes the code
                *"BDC-002",
                "enter",
                *name,
                "tab",
                "tab",
                *SENIOR_ID,
                "tab",
                *MOBILE,
                "enter",
                "ctrl+a",
                "enter",  # the decision
                "enter",  # accept: stored, the receipt
                "enter",  # the receipt closed
            ],
        )
        await until(pilot, lambda: cases_in(db_path) != [], "the case stored", seconds=30)
        await until(pilot, lambda: app.screen is counter, "back at the counter", seconds=30)
        await the_one_case_stored(terminal_client, db_path, number, name)
        assert app.session.current is not None and app.session.current.number == number
