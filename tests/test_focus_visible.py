"""The focused field is obvious without colour (issue 9, item 10): a bar glyph left of it and
bold text, not one background shade; checked with NO_COLOR=1 as on a plain console."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from client.api import CentralClient
from screens.escalation.form import EscalationForm
from tests.pilot import SIZE, build, sign_in, until


async def test_the_focused_field_stands_out_without_colour(
    terminal_client: CentralClient, clock: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, EscalationForm), "the form")
        fields = list(app.screen.query(Input))
        focused = next(f for f in fields if f.has_focus)
        other = next(f for f in fields if not f.has_focus and f.display)
        assert focused.styles.outline_left[0] != "" and other.styles.outline_left[0] == ""
        assert focused.styles.text_style.bold and not other.styles.text_style.bold
        # The bar is a character on screen, so it shows with no colour at all.
        region = focused.region
        strips = app.screen._compositor.render_strips()
        row = "".join(segment.text for segment in strips[region.y])
        assert row[region.x] in "▌▐█┃|", repr(row)
