"""The receipt step's line says what the keys do, whole, at 80 columns (the clerk's walk of the
receipt): en read "Case ZC2026111700001 stored. p prints, s saves the document, Enter returns
to …", cut where it named the way back to the counter."""

from __future__ import annotations

from typing import Any

import pytest

from client.api import CentralClient
from counter.core.i18n import t
from tests.pilot import (
    SIZE,
    accept_everything,
    build,
    checklist_for_a_served_ticket,
    screen_lines,
    until,
)


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_receipt_line_is_whole_at_80_columns(
    terminal_client: CentralClient, make_client: Any, clock: Any, lang: str
) -> None:
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await checklist_for_a_served_ticket(pilot, app, make_client)
        await accept_everything(pilot, screen)
        app.clear_notifications()  # the toast saying it was stored lies over the line's end
        said = t("intake.open.stored", case_no=screen.case.case_no)  # type: ignore[union-attr]
        await until(pilot, lambda: any(line.strip() == said for line in screen_lines(app)), "whole")


def test_the_draft_offer_spaces_the_ticket_number_in_chinese() -> None:
    from counter.core.i18n import set_language

    set_language("zh")
    try:
        assert t("intake.drafts.elsewhere", now="F001").endswith("转到 F001")
    finally:
        set_language("en")
