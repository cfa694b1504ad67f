"""The hall board fits 80×24 in Chinese and English: no table scrolls sideways, the footer's
keys are whole, every queue is in view; a window's name is cut, then left out, only when the
row would not fit otherwise (a long paused state), and comes back on a wider terminal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from textual.widgets import DataTable, Footer

from client.api import CentralClient
from client.supervisor_models import BoardWindow
from counter.core.i18n import current_language, set_language
from screens.supervisor import board_text as bt
from tests.conftest import ClientFactory, FakeClock
from tests.pilot import build, open_board, until

NOW = datetime(2026, 11, 17, 2, 0, tzinfo=UTC)


def window(no: int, name: str, **extra: Any) -> BoardWindow:
    fields = {"no": no, "name": name, "general": True, "queues": [], "status": "idle",
              "served_today": 0, **extra}  # fmt: skip
    return BoardWindow.model_validate(fields)


def test_the_name_gives_way_first() -> None:
    before = current_language()
    set_language("en")
    try:
        rows = [bt.window_row(window(1, "综合窗口 1"), NOW)]
        assert bt.window_columns(rows, 116) == (bt.WINDOW_COLUMNS, None)
        long = window(15, "出件领证（邮寄）", status="paused", pause_reason="system_fault",
                      paused_since=datetime(2026, 11, 17, 0, 55, tzinfo=UTC))  # fmt: skip
        rows.append(bt.window_row(long, NOW))
        assert bt.window_columns(rows, 116) == (bt.WINDOW_COLUMNS, None)
        # Widest: no 2+2, name 16+2, clerk 5+2, state 24+2, ticket 6+2, done 4+2, avg 3+2,
        # rate 4+2 = 80 cells.
        assert bt.window_columns(rows, 80) == (bt.WINDOW_COLUMNS, None)
        columns, cut = bt.window_columns(rows, 79)
        assert columns == bt.WINDOW_COLUMNS and cut == bt.NAME_CELLS
        columns, cut = bt.window_columns(rows, 75)
        assert "name" not in columns and cut is None
        short = bt.cut("出件领证（邮寄）", 12)
        assert short.cell_len <= 12 and short.plain.startswith("出件领证（")
        assert short.plain.endswith("…")
    finally:
        set_language(before)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_board_fits_80_by_24(
    lang: str, make_client: ClientFactory, terminal_client: CentralClient, clock: FakeClock
) -> None:
    kiosk = await make_client("kiosk01")
    for queue in "ABCDEF":
        await kiosk.issue_ticket(queue)
    faulty = await make_client("1008")
    await faulty.sign_on(8)
    await faulty.pause(8, "system_fault")
    clock.advance(minutes=65)
    app = build(terminal_client, clock, login_as="2001", window=None, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        board = await open_board(pilot, app)
        windows = board.query_one("#windows", DataTable)
        queues = board.query_one("#queues", DataTable)
        footer = board.query_one(Footer)
        await until(pilot, lambda: windows.row_count == 16 and queues.row_count == 6, "rows")
        await until(pilot, lambda: windows.max_scroll_x == 0, "the windows table fits")
        # The queues' height is `auto`: it settles a layout pass after the rows arrive.
        await until(
            pilot,
            lambda: queues.max_scroll_x == 0 and queues.max_scroll_y == 0,
            "every queue in view",
        )
        assert footer.max_scroll_x == 0 and footer.virtual_size.width <= 80
        for tab in "26":  # the alerts and callbacks tabs' keys fit too
            await pilot.press(tab)
            await until(pilot, lambda tab=tab: board.tab == {"2": "alerts", "6": "callbacks"}[tab],
                        "the tab")  # fmt: skip
            await pilot.pause()
            assert footer.max_scroll_x == 0 and footer.virtual_size.width <= 80
        await pilot.press("1")
        await until(pilot, lambda: board.tab == "board", "the board tab")
        await pilot.resize_terminal(120, 40)
        await until(pilot, lambda: board.window_columns == bt.WINDOW_COLUMNS, "every column")
        names = [str(windows.get_cell(str(n), "name")) for n in (1, 15)]
        assert names[0] == "综合窗口 1" and names[1] == "出件领证（邮寄）"


async def test_the_filter_matches_a_name_cut_or_left_out_on_screen(
    make_client: ClientFactory, terminal_client: CentralClient, clock: FakeClock
) -> None:
    """`/` matches what the central sent, not what the narrow screen draws: at 80 columns
    window 15's name shows as "出件领证（…", and at 70 not at all, yet "邮寄" finds it."""
    faulty = await make_client("1008")
    await faulty.sign_on(8)
    await faulty.pause(8, "system_fault")
    clock.advance(minutes=65)  # a long paused state: the name has to give way
    app = build(terminal_client, clock, login_as="2001", window=None, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        board = await open_board(pilot, app)
        windows = board.query_one("#windows", DataTable)
        await until(pilot, lambda: windows.row_count == 16, "the windows")
        await until(
            pilot,
            lambda: (
                "name" in board.window_columns and str(windows.get_cell("15", "name")).endswith("…")
            ),
            "window 15's name cut",
        )
        assert "邮寄" not in str(windows.get_cell("15", "name"))
        await pilot.press("slash", *"邮寄")
        await until(pilot, lambda: [str(k.value) for k in windows.rows] == ["15"], "window 15")
        await pilot.press("enter")
        await pilot.resize_terminal(70, 24)  # narrower: the name column is left out
        await until(pilot, lambda: "name" not in board.window_columns, "the name left out")
        await until(pilot, lambda: [str(k.value) for k in windows.rows] == ["15"], "still 15")
        await pilot.press("escape")
        await until(pilot, lambda: windows.row_count == 16, "every window again")
