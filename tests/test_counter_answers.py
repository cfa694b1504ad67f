"""No silent keys at the counter (issue 9, item 6): a key that does not apply says why, no-show
and transfer say what was done, paused the footer offers Resume, and "Other" asks for the text."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from client.api import CentralClient
from screens.pause_reason import PauseNoteScreen, PauseReasonScreen
from tests.pilot import build, issue, sign_in, until

WIDE = (120, 40)


def notices(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


def pause_note(db_path: Path) -> tuple[str | None, str | None]:
    with sqlite3.connect(db_path) as db:
        row = db.execute("SELECT pause_reason, pause_note FROM windows WHERE no = 5").fetchone()
    return row[0], row[1]


async def test_keys_say_why_not_and_what_was_done(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    first, _second = await issue(make_client, "A", "A")
    app = build(terminal_client, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f8")  # nothing to finish
        await until(pilot, lambda: any("No ticket" in n for n in notices(app)), "why not")

        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        await pilot.press("f4")
        await until(pilot, lambda: any(first in n and "no-show" in n for n in notices(app)), "done")

        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, PauseReasonScreen), "reasons")
        await pilot.press("4")  # Other: asks what
        await until(pilot, lambda: isinstance(app.screen, PauseNoteScreen), "the note")
        await pilot.press("enter")  # empty: said, not sent
        assert pause_note(db_path) == (None, None)
        await pilot.press(*"fire drill", "enter")
        await until(pilot, lambda: app.session.paused, "the pause")
        assert pause_note(db_path) == ("other", "fire drill")

        await pilot.press("f2")  # paused: says so instead of nothing
        await until(pilot, lambda: any("paused" in n.lower() for n in notices(app)), "paused")
        binding = next(
            b.binding for b in app.screen.active_bindings.values() if b.binding.action == "pause"
        )
        assert binding.description == "Resume"
