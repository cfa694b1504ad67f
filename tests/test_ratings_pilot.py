"""The ratings screens driven by keys (Pilot) against the real central API in-process:
the tally line, my ratings (periods, bars, chart, 差评 list, explanation), the supervisor's
差评 queue (verify, rectify) and the staff tally table (sort, CSV export)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from client.api import CentralClient
from client.rating_models import RatingRequest, TallyFigures
from counter.core.i18n import set_language
from screens.counter import CounterScreen
from screens.ratings.detail import RatingDetailScreen
from screens.ratings.export import ExportScreen, table_csv
from screens.ratings.figures import bar, level_bars, percent, signed
from screens.ratings.my_ratings import LevelBars, MyRatingsScreen
from screens.ratings.range_dialog import RangeScreen, parse_range
from screens.ratings.review_queue import BadQueueScreen
from screens.ratings.staff_tally import StaffTallyScreen, sort_rows
from screens.widgets.tally_line import TallyLine, tally_line_text
from tests.hall_data import MONTH_PLAN, client_factory, serve_and_rate
from tests.pilot import build, open_verify_dialog, until


def db_row(db_path: Path, sql: str, *args: Any) -> tuple[Any, ...]:
    with sqlite3.connect(db_path) as db:
        row = db.execute(sql, args).fetchone()
    assert row is not None
    return tuple(row)


def static_text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


# --- pure rendering -------------------------------------------------------------------------------


def figures(**levels: int) -> TallyFigures:
    counts = {5: 0, 4: 0, 3: 0, 2: 0, 1: 0}
    counts.update({int(k[1:]): v for k, v in levels.items()})
    rated = sum(counts.values())
    return TallyFigures(
        served=rated,
        rated=rated,
        unrated=0,
        defaults=0,
        levels=counts,
        bad=counts[2] + counts[1],
        satisfaction=None,
        average=None,
    )


def test_text_helpers() -> None:
    assert bar(8, 8, 4) == "████"
    assert bar(1, 8, 4) == "▌"
    assert bar(0, 8, 4) == ""
    assert percent(0.9625) == "96.2%" and percent(None) == "—"
    assert signed(0.0125, points=True) == "+1.2" and signed(-0.5) == "−0.50"
    assert signed(0.0, points=True) == "±0" and signed(None) == ""
    lines = level_bars(figures(l5=10, l4=5, l1=1), 30).plain.splitlines()
    assert len(lines) == 5 and all(len(line) == 30 for line in lines)
    assert lines[0].startswith("5 very good") and lines[0].endswith(" 10")
    assert lines[2].rstrip().endswith("0")  # level 3: no bar, count 0
    line = tally_line_text(figures(l5=3, l2=1)).plain
    assert "rated 4" in line and "poor 1" in line
    # Narrow (the counter's left column at 80×24): every figure keeps its number.
    narrow = tally_line_text(figures(l5=10, l4=1, l2=1), 38)
    assert narrow.cell_len <= 38 and narrow.plain.rstrip().endswith("poor 1")
    assert tally_line_text(figures(l5=10, l4=1, l2=1), 80).plain.startswith(" Today")
    assert parse_range("2026-11-01", "2026-11-30") != "ratings.range.backwards"
    assert parse_range("2026-11-30", "2026-11-01") == "ratings.range.backwards"
    assert parse_range("yesterday", "2026-11-01") == "ratings.range.not_a_date"


# --- the clerk ------------------------------------------------------------------------------------


async def test_tally_line_and_my_ratings(
    central_app: Any, terminal_client: CentralClient, clock: Any, db_path: Path
) -> None:
    new, made = client_factory(central_app)
    await serve_and_rate(new, clock, MONTH_PLAN)
    app = build(terminal_client, clock, login_as="1005")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "the counter")
        counter = app.screen
        assert isinstance(counter, CounterScreen)
        line = TallyLine()
        await counter.mount(line)
        await until(pilot, lambda: line.figures is not None, "today's tally")
        assert line.figures is not None
        assert (line.figures.rated, line.figures.bad) == (4, 1)
        assert "75.0%" in str(line.render())
        # The counter's own tally line, at 80 columns: the 差评 count is not cut off.
        own = counter.query_one("#tally-line", TallyLine)
        await until(pilot, lambda: own.figures is not None, "the counter's tally")
        await pilot.pause()
        shown = str(own.render())
        assert len(shown) <= own.size.width and shown.rstrip().endswith("poor 1"), shown

        # A rating arrives; the App's hook calls reload() on rating.received.
        pad = await new("pad05")  # the pad at window 5
        kiosk = await new("kiosk01")
        await kiosk.issue_ticket("A")
        desk = await new("1005")
        ticket = await desk.call_next(5)
        assert ticket is not None
        await desk.start(ticket.id)
        await desk.finish(ticket.id)
        await pad.post_rating(RatingRequest(ticket_id=ticket.id, level=5))
        line.reload()
        await until(pilot, lambda: line.figures is not None and line.figures.rated == 5, "reload")
        assert "80.0%" in str(line.render())

        app.push_screen(MyRatingsScreen())
        await until(pilot, lambda: isinstance(app.screen, MyRatingsScreen), "my ratings")
        screen = app.screen
        assert isinstance(screen, MyRatingsScreen)
        await until(pilot, lambda: screen.loaded, "my ratings loaded")
        assert "Today 2026-11-17" in static_text(screen, "#ratings-title")
        summary = static_text(screen, "#ratings-summary")
        assert "served 6" in summary and "rated 5" in summary and "satisfaction 80.0%" in summary
        bars = screen.query_one(LevelBars)
        assert bars.figures is not None and bars.figures.levels[5] == 3
        chart = static_text(screen, "#ratings-chart")
        assert "×" in chart  # days with a 差评 are marked
        table = screen.query_one("#ratings-bad", DataTable)
        assert table.row_count == 3  # my three 差评 this month; 1001's is not mine
        assert [r.level for r in screen.bad] == [2, 1, 2]  # open first, newest first

        await pilot.press("3")
        await until(pilot, lambda: "This month" in static_text(screen, "#ratings-title"), "month")
        await until(pilot, lambda: "rated 29" in static_text(screen, "#ratings-summary"), "29")

        await pilot.press("4")
        await until(pilot, lambda: isinstance(app.screen, RangeScreen), "range dialog")
        range_from = app.screen.query_one("#range-from", Input)
        range_from.value = "2026-11-02"
        await pilot.press("enter")
        range_to = app.screen.query_one("#range-to", Input)
        range_to.value = "2026-11-05"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "back from the range dialog")
        await until(pilot, lambda: "rated 10" in static_text(screen, "#ratings-summary"), "range")

        # Enter on the 差评 of level 1 (pending): explain it.
        table.focus()
        table.move_cursor(row=1)
        target = screen.bad[1].id
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RatingDetailScreen), "detail")
        detail = app.screen
        assert "[b]x[/b]" in str(detail.query_one("#rating-detail Static", Static).render())
        field = detail.query_one("#rating-text", Input)
        assert field.has_focus
        await pilot.press(*"queue was long")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "back from the detail")
        await until(
            pilot,
            lambda: any(r.id == target and r.review and r.review.explanation for r in screen.bad),
            "the explanation shown",
        )
        explained = "SELECT explanation, explained_by FROM ratings WHERE id = ?"
        assert db_row(db_path, explained, target) == ("queue was long", "1005")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "back to the counter")
    for client in made:
        await client.aclose()


# --- the supervisor -------------------------------------------------------------------------------


async def test_supervisor_verifies_rectifies_and_exports(
    central_app: Any, terminal_client: CentralClient, clock: Any, db_path: Path, tmp_path: Path
) -> None:
    new, made = client_factory(central_app)
    await serve_and_rate(new, clock, MONTH_PLAN)
    await terminal_client.login("2001", "counter")
    app = build(terminal_client, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.05)
        app.push_screen(BadQueueScreen())
        await until(pilot, lambda: isinstance(app.screen, BadQueueScreen), "the queue")
        queue = app.screen
        assert isinstance(queue, BadQueueScreen)
        await until(pilot, lambda: len(queue.ratings) == 4, "four open 差评")
        assert [r.review.state for r in queue.ratings if r.review] == ["pending"] * 4

        target = await open_verify_dialog(pilot, app)
        table = queue.query_one("#queue-table", DataTable)
        await pilot.press(*"核实属实")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is queue, "verified")
        await until(
            pilot,
            lambda: any(
                r.id == target and r.review and r.review.state == "upheld" for r in queue.ratings
            ),
            "the queue refreshed",
        )
        verified = "SELECT review_state, rectify_due FROM ratings WHERE id = ?"
        assert db_row(db_path, verified, target) == ("upheld", "2026-12-08")

        row = next(i for i, r in enumerate(queue.ratings) if r.id == target)
        table.move_cursor(row=row)
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, RatingDetailScreen), "rectify dialog")
        await pilot.press(*"training done")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is queue, "rectified")
        await until(pilot, lambda: all(r.id != target for r in queue.ratings), "closed, gone")
        assert db_row(db_path, "SELECT review_state FROM ratings WHERE id = ?", target) == (
            "rectified",
        )

        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, StaffTallyScreen), "staff tally")
        tally = app.screen
        assert isinstance(tally, StaffTallyScreen)
        await until(pilot, lambda: tally.table is not None, "the table")
        assert [r.key for r in tally.rows()] == ["1005", "1001"]  # by 满意率, highest first
        await pilot.press("b")
        assert [r.key for r in tally.rows()] == ["1005", "1001"]  # 3 差评 before 1
        await pilot.press("b")
        assert [r.key for r in tally.rows()] == ["1001", "1005"]
        await pilot.press("n")
        assert tally.rows()[0].key == "1005"

        target_csv = tmp_path / "out" / "tally.csv"
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "export dialog")
        app.screen.query_one("#export-path", Input).value = str(target_csv)
        await pilot.press("enter")
        await until(pilot, target_csv.exists, "the CSV file")
        text = target_csv.read_text(encoding="utf-8-sig")
        lines = text.splitlines()
        assert lines[0].startswith("Staff,Name,Window,Served,Rated")
        assert lines[1].startswith("1005,陈静,5,30,28")
        assert len(lines) == 3
    for client in made:
        await client.aclose()


def test_csv_guards_spreadsheet_formulas() -> None:
    from client.rating_models import TallyRow

    row = TallyRow(key="9", label="=cmd()", figures=figures(l5=1))
    assert ",'=cmd()," in table_csv([row])
    assert sort_rows([row], "bad", True) == [row]


async def test_an_export_path_with_an_unknown_home_is_said_in_the_dialog(tmp_path: Path) -> None:
    from textual.app import App

    set_language("en")
    answers: list[tuple[Path, bool] | None] = []

    class Bare(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ExportScreen(tmp_path / "tally.csv"), answers.append)

    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the dialog")
        dialog = app.screen
        dialog.query_one("#export-path", Input).value = "~no-such-user-xyz/tally.csv"
        await pilot.press("enter")  # Path.expanduser() raises for an unknown user
        await pilot.pause(0.05)
        assert app.is_running and app.screen is dialog and answers == []
        said = dialog.query_one("#export-error", Static).content
        assert "Not a usable file path" in str(said)
        dialog.query_one("#export-path", Input).value = str(tmp_path / "tally.csv")
        await pilot.press("enter")
        await until(pilot, lambda: answers == [(tmp_path / "tally.csv", False)], "the path")


async def test_an_export_asks_before_replacing_a_file(tmp_path: Path) -> None:
    from textual.app import App

    from client.rating_models import TallyRow
    from screens.ratings.export import write_csv

    set_language("en")
    kept = tmp_path / "tally.csv"
    kept.write_text("last month's figures", encoding="utf-8")
    answers: list[tuple[Path, bool] | None] = []

    class Bare(App[None]):
        def on_mount(self) -> None:
            self.push_screen(ExportScreen(kept), answers.append)

    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ExportScreen), "the dialog")
        dialog = app.screen
        await pilot.press("enter")  # the suggested name exists: said, nothing chosen yet
        await pilot.pause(0.05)
        assert app.screen is dialog and answers == []
        assert "exists already" in str(dialog.query_one("#export-error", Static).content)
        await pilot.press("enter")  # the same name again: the clerk's yes
        await until(pilot, lambda: answers == [(kept, True)], "the yes")
    row = TallyRow(key="9", label="王", figures=figures(l5=1))
    with pytest.raises(FileExistsError):  # without the yes an existing file is never replaced
        write_csv(kept, [row])
    assert kept.read_text(encoding="utf-8") == "last month's figures"
    write_csv(kept, [row], replace=True)
    assert kept.read_text(encoding="utf-8-sig").startswith("Staff,Name")
