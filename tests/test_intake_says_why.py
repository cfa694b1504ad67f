"""Keys in the intake answer in one line (issue 9 items 6 and 11): c (容缺) on a material the
guide does not allow it for says why; a lowercase x in an ID number is shown uppercase; Shift+Tab
back into a field does not select all of it, so one Backspace does not wipe an ID number."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Input, Static

from client.api import CentralClient
from tests.hall_data import MOBILE
from tests.hall_data import SENIOR_ID as ID
from tests.pilot import (
    SIZE,
    accept_everything,
    applicant_of_bdc002,
    build,
    checklist_for_a_served_ticket,
    until,
)


async def test_c_on_a_material_that_may_not_be_missing_says_why(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await checklist_for_a_served_ticket(pilot, app, make_client)
        assert screen.item is not None
        row = next(i for i, m in enumerate(screen.item.materials) if not m.tolerable)
        material = screen.item.materials[row]
        table = screen.query_one("#materials", DataTable)
        table.move_cursor(row=row)
        await until(pilot, lambda: table.cursor_row == row, "the material highlighted")
        await pilot.press("c")
        said = "This material cannot be deferred (see the item's guide)."
        await until(pilot, lambda: any(n.message == said for n in app._notifications), "the answer")
        assert material.name not in screen.state.marks


async def test_a_lowercase_x_is_shown_uppercase_and_shift_tab_keeps_the_id(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await applicant_of_bdc002(pilot, app, make_client)
        typed = ID[:-1] + "x"
        await pilot.press(*"张三", "tab", "tab", *typed, "tab")
        field = screen.query_one("#f-id_number", Input)
        assert field.value == ID  # upper case as typed
        await pilot.press("shift+tab", "backspace")  # back into the ID: one character goes
        assert field.value == ID[:-1]
        await pilot.press("X", "tab", *MOBILE, "enter")
        await until(pilot, lambda: screen.state.step == "checklist", "the checklist")
        head = str(screen.query_one("#intake-head", Static).render())
        assert ID[-4:] in head and "x" not in head.split("·")[-1]
        await accept_everything(pilot, screen)
        assert ID[-4:] in screen.document and ID[-4:].lower() not in screen.document
