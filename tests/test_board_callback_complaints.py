"""A dissatisfied 回访 callback, by keys on the hall board: recorded on tab 6 and sent to the
差评 queue, it shows there beside the citizens' 差评 (marked as a callback), raises an alert,
and is verified and rectified with the same keys as a 差评 (v, c); the database follows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from textual.widgets import DataTable, Static

from central.alert_watch import check_now
from central.schema_supervision import alerts, callbacks
from client.api import CentralClient
from client.supervisor_models import CallbackRecord
from screens.ratings.detail import RatingDetailScreen
from screens.ratings.review_queue import BadQueueScreen
from screens.supervisor.board import HallBoardScreen
from screens.supervisor.prompt import PromptScreen
from tests.conftest import ClientFactory, FakeClock
from tests.hall_data import serve_with_phones, window_1
from tests.pilot import BOARD_SIZE as SIZE
from tests.pilot import build, open_board, until


def stored(central_app: Any, callback_id: int) -> Any:
    with central_app.state.store.engine.connect() as conn:
        return conn.execute(select(callbacks).where(callbacks.c.id == callback_id)).one()


def cell_text(table: DataTable[Any], row: str, column: str) -> str:
    cell = table.get_cell(row, column)
    return str(getattr(cell, "plain", cell))


async def test_a_dissatisfied_callback_goes_through_the_bad_queue_by_keys(
    make_client: ClientFactory,
    terminal_client: CentralClient,
    clock: FakeClock,
    central_app: Any,
) -> None:
    kiosk, clerk, _boss = await window_1(make_client)
    await serve_with_phones(kiosk, clerk, 10, "1370000", first=300)
    app = build(terminal_client, clock, login_as="2001", window=None)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot, app)
        await pilot.press("6")
        await until(pilot, lambda: board.callback_day is not None, "the callback sample")
        assert board.callback_day is not None and board.callback_day.drawn == 1
        (drawn,) = board.callback_day.callbacks
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the callback dialog")
        # reached, not satisfied, what they said, to the 差评 queue; Enter from the note.
        await pilot.press("space", "tab", "tab", *"wait too long", "tab", "space")
        await pilot.press("shift+tab", "enter")
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "back on the board")
        await until(pilot, lambda: stored(central_app, drawn.id).review_state == "pending",
                    "the callback waiting for verification")  # fmt: skip
        row = stored(central_app, drawn.id)
        assert (row.reached, row.satisfied, row.note) == (True, False, "wait too long")

        check_now(central_app.state.store)  # a new 差评-like item is an alert
        with central_app.state.store.engine.connect() as conn:
            kinds = list(conn.execute(select(alerts.c.kind, alerts.c.subject_id)).all())
        assert ("bad_callback", str(drawn.id)) in kinds

        await pilot.press("4")
        await until(pilot, lambda: isinstance(app.screen, BadQueueScreen), "the 差评 queue")
        queue = app.screen
        assert isinstance(queue, BadQueueScreen)
        key = f"c{drawn.id}"
        table = queue.query_one("#queue-table", DataTable)
        await until(pilot, lambda: key in [str(k.value) for k in table.rows], "the callback")
        assert cell_text(table, key, "level") == "Call"  # its source, where a level would be
        assert cell_text(table, key, "state") == "to verify"
        assert cell_text(table, key, "comment") == "wait too long"

        table.move_cursor(row=[str(k.value) for k in table.rows].index(key))
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, RatingDetailScreen), "verify dialog")
        # Type only once the note field has the focus (a loaded box mounts it later).
        await until(pilot, lambda: getattr(app.focused, "id", None) == "rating-text", "the note")
        await pilot.press(*"checked the recording")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is queue, "verified")
        await until(pilot, lambda: stored(central_app, drawn.id).review_state == "upheld",
                    "upheld in the database")  # fmt: skip
        row = stored(central_app, drawn.id)
        assert row.verify_note == "checked the recording" and row.rectify_due is not None
        assert row.verified_by == "2001"
        await until(pilot, lambda: cell_text(table, key, "state") == "upheld", "the row upheld")

        table.move_cursor(row=[str(k.value) for k in table.rows].index(key))
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, RatingDetailScreen), "rectify dialog")
        await pilot.press(*"one more window at peak")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is queue, "rectified")
        await until(pilot, lambda: key not in [str(k.value) for k in table.rows], "closed, gone")
        row = stored(central_app, drawn.id)
        assert (row.review_state, row.rectification) == ("rectified", "one more window at peak")

        await pilot.press("2")  # every 差评, closed ones too: the callback is still listed
        await until(pilot, lambda: key in [str(k.value) for k in table.rows], "listed closed")
        assert cell_text(table, key, "state") == "rectified"


async def test_tab_6_shows_a_past_days_callbacks(
    make_client: ClientFactory, terminal_client: CentralClient, clock: FakeClock
) -> None:
    kiosk, clerk, boss = await window_1(make_client)
    await serve_with_phones(kiosk, clerk, 12, "1360000", first=400)
    drawn = await boss.draw_callbacks()
    await boss.record_callback(drawn.callbacks[0].id, CallbackRecord(reached=False))
    yesterday = drawn.service_day
    clock.advance(days=1)
    app = build(terminal_client, clock, login_as="2001", window=None)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot, app)
        await pilot.press("6")
        await until(pilot, lambda: board.callback_day is not None, "today's sample")
        assert board.callback_day is not None and board.callback_day.finished == 0
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: board.callback_day is not None
                    and board.callback_day.service_day == yesterday, "yesterday")  # fmt: skip
        day = board.callback_day
        assert (day.finished, day.drawn, day.recorded) == (12, 2, 1)
        head = str(board.query_one("#callbacks-head", Static).render())
        assert yesterday.isoformat() in head and "12 finished" in head
        await pilot.press("right_square_bracket", "right_square_bracket")  # never past today
        await until(pilot, lambda: board.callback_day is not None
                    and board.callback_day.service_day > yesterday, "today again")  # fmt: skip
        assert board.callback_date is None
