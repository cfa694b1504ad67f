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
from counter.app import CounterApp
from screens.counter import CounterScreen
from tests.hall_data import MOBILE, SENIOR_ID
from tests.pilot import SIZE, build, open_the_intake, serve_a_ticket, sign_in, until

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


async def test_a_whole_intake_typed_in_one_burst_is_the_case_stored(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        number = await serve_a_ticket(pilot, app, make_client)
        screen = await open_the_intake(pilot, app)
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
        stored = await terminal_client.case(screen.case.case_no)  # type: ignore[union-attr]
        assert stored.item_code == "BDC-002"
        assert stored.ticket_number == number
        assert stored.applicant.name == name
        assert stored.applicant.id_number == SENIOR_ID
        assert stored.applicant.mobile == MOBILE
        assert stored.decision == "accept"
        assert stored.checklist and all(e.state == "received" for e in stored.checklist)
        rows = cases_in(db_path)
        assert len(rows) == 1, rows  # stored once
        assert rows[0]["case_no"] == stored.case_no and rows[0]["decision"] == "accept"

        app.post_message(events.Key("enter", "\r"))  # the receipt closed: back at the counter
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "back at the counter")
