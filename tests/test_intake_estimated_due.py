"""Late December, next year's official calendar not installed: a 3-working-day item's due date
falls in that year, so it is estimated. The clerk reads why on the decision step, before
accepting (zh and en), and the receipt says so to the applicant."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static

from central.hall_time import HALL_TZ
from client.api import CentralClient
from counter.core.i18n import current_language, set_language
from tests.hall_data import case_row
from tests.pilot import (
    SIZE,
    build,
    checklist_for_a_served_ticket,
    until,
)

WHY = {
    "en": "official holiday calendar for 2027 is not installed",
    "zh": "中心尚未安装2027年的官方节假日安排",
}


def shown(screen: Any, selector: str) -> str:
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(screen.query_one(selector, Static).content)
    return " ".join(captured.get().split())


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_an_estimated_due_date_is_explained_before_it_is_accepted(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path, lang: str
) -> None:
    clock.now = datetime(2026, 12, 29, 9, 30, tzinfo=HALL_TZ)
    before = current_language()
    try:
        await _take_the_case(terminal_client, make_client, clock, db_path, lang)
    finally:
        set_language(before)  # the language is the process's: later tests read in their own


async def _take_the_case(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path, lang: str
) -> None:
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await checklist_for_a_served_ticket(pilot, app, make_client)
        await pilot.press("ctrl+a")  # every material received
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.step == "decision", "the decision")
        await until(
            pilot, lambda: WHY[lang] in shown(screen, "#decision-summary"), "the estimate's why"
        )
        await pilot.press("enter")
        await until(pilot, lambda: screen.case is not None, "the case stored")
        case = screen.case
        assert case is not None and case.due_guessed and case.due_date is not None
        assert case.due_date.year == 2027
        assert case_row(db_path, case.case_no)["due_guessed"] == 1
        await until(pilot, lambda: "预估日期" in screen.document, "the receipt's note")
