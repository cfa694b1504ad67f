"""The item search's line about the highlighted item says it whole at 80×24 (issue 9, item 9):
the results table cuts long names and departments, and the line under it lost the end of the
fee ("住宅 80 元/件，非住宅 550") and never named the item."""

from __future__ import annotations

from typing import Any

import pytest

from client.api import CentralClient
from screens.intake.search import guide_line
from tests.pilot import build, intake_for_a_served_ticket, text_of, until


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_highlighted_item_is_said_whole(
    terminal_client: CentralClient, make_client: Any, clock: Any, lang: str
) -> None:
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await intake_for_a_served_ticket(pilot, app, make_client)
        await pilot.press(*"BDC-002")
        search = screen.query_one("ItemSearch")
        await until(pilot, lambda: search.highlighted() is not None, "BDC-002 highlighted")  # type: ignore[attr-defined]
        item = search.highlighted()  # type: ignore[attr-defined]
        assert item.code == "BDC-002" and item.fee
        guide = screen.query_one("#item-guide")
        words = "".join(text_of(screen, "#item-guide").split())
        assert "".join(item.name.split()) in words  # the name the table cuts
        assert "".join(item.fee.split()) in words  # the fee to its end
        # Every line of it shown, as it wraps at this width.
        lines = len(guide_line(item).wrap(app.console, guide.content_size.width))
        assert lines > 2  # more than the two lines it had
        await until(pilot, lambda: guide.content_size.height >= lines, f"{lines} lines shown")
