"""Snapshots of the intake at 80×24, in Chinese and English: the item search, the material
checklist (received / flawed with a note / missing / 容缺 / open) and the receipt.

Deterministic: a fixed clock shared by server and terminal, no simulator, notices cleared,
drafts and the catalog cache in the test's own directory.
Look at each SVG in tests/__snapshots__/ before accepting it with --snapshot-update.
"""

from __future__ import annotations

from typing import Any

import pytest

from screens.intake import IntakeScreen
from screens.intake.dialogs import NoteScreen
from tests.pilot import SIZE, build, in_process, intake_for_a_ticket, settle


async def to_checklist(pilot: Any, screen: IntakeScreen) -> None:
    await pilot.press(*"BDC-002", "enter")
    await settle(pilot, lambda: screen.state.step == "applicant")
    await pilot.press(*"张三", "tab", "tab", *"11010519491231002X", "tab", *"13800138000")
    await pilot.press("enter")
    await settle(pilot, lambda: screen.state.step == "checklist")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_intake_search(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, login_as="1005")

    async def ready(pilot: Any) -> None:
        screen = await intake_for_a_ticket(pilot, central_app)
        await pilot.press(*"bdcdj")
        await settle(pilot, lambda: len(screen.query_one("ItemSearch").results) > 3)  # type: ignore[attr-defined]

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_intake_checklist(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, login_as="1005")

    async def ready(pilot: Any) -> None:
        screen = await intake_for_a_ticket(pilot, central_app)
        await to_checklist(pilot, screen)
        await pilot.press("r", "r", "f")
        await settle(pilot, lambda: isinstance(app.screen, NoteScreen))
        await pilot.press(*"[b]已过期[/b]", "enter")  # markup stays literal
        await settle(pilot, lambda: app.screen is screen)
        await pilot.press("m", "r", "c")
        await settle(pilot, lambda: len(screen.state.marks) == 6)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_intake_receipt(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, login_as="1005")

    async def ready(pilot: Any) -> None:
        screen = await intake_for_a_ticket(pilot, central_app)
        await to_checklist(pilot, screen)
        await pilot.press("ctrl+a", "enter")
        await settle(pilot, lambda: screen.state.step == "decision" and screen.due is not None)
        await pilot.press("enter")
        await settle(pilot, lambda: screen.case is not None and screen.state.step == "document")

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


async def test_the_focus_bar_never_hides_what_was_typed(central_app: Any, clock: Any) -> None:
    """The focus bar is drawn over a field's first column: a compact field keeps that column
    free, or the first character typed (the b of bdcdj) disappears under it."""
    app = build(in_process(central_app), clock, lang="en", login_as="1005")
    async with app.run_test(size=SIZE) as pilot:
        screen = await intake_for_a_ticket(pilot, central_app)
        await pilot.press(*"bdcdj")
        search = screen.query_one("#item-query")
        await settle(pilot, lambda: getattr(search, "value", "") == "bdcdj")
        region = search.region
        row = "".join(segment.text for segment in screen._compositor.render_strips()[region.y])
        assert "bdcdj" in row[region.x : region.right], repr(row)
