"""The hall board, driven by keys as a supervisor would: it opens after login, goes live,
filters, switches tabs, and every intervention reaches the central (refusals said in a line)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from textual.widgets import DataTable, Input

from central.alert_watch import check_now
from central.schema import audit, tickets
from client.api import CentralClient
from counter.app import CounterApp
from screens.counter import CounterScreen
from screens.supervisor.board import HallBoardScreen
from screens.supervisor.prompt import PromptScreen
from tests.conftest import ClientFactory, FakeClock
from tests.pilot import build, open_board, until

SIZE = (100, 30)


def rows(app: CounterApp, table_id: str) -> list[str]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [str(key.value) for key in table.rows]


def audited(central_app: Any, action: str) -> list[Any]:
    with central_app.state.store.engine.connect() as conn:
        return list(conn.execute(select(audit).where(audit.c.action == action)).all())


def status_of(central_app: Any, number: str) -> str:
    with central_app.state.store.engine.connect() as conn:
        return str(
            conn.execute(select(tickets.c.status).where(tickets.c.number == number)).scalar()
        )


def refusal(app: CounterApp) -> str:
    screen = app.screen
    return screen.refusal if isinstance(screen, PromptScreen) else ""


async def test_board_opens_live_and_filters(
    make_client: ClientFactory, terminal_client: CentralClient, clock: FakeClock
) -> None:
    app = build(terminal_client, clock, login_as="2001", window=None)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot, app)
        assert rows(app, "windows") == [str(n) for n in range(1, 17)]
        await until(pilot, lambda: app.session.connection == "live", "the live stream")
        clerk = await make_client("1006")
        await clerk.sign_on(6)
        kiosk = await make_client("kiosk01")
        for _ in range(5):  # a burst: one or two re-fetches, not five
            await kiosk.issue_ticket("B")
        loads = board.loads
        await until(pilot, lambda: board.board is not None and board.board.queues[1].waiting == 5,
                    "the pushed queue count")  # fmt: skip
        assert board.loads - loads <= 2
        window6 = next(w for w in board.board.windows if w.no == 6) if board.board else None
        assert window6 is not None and window6.staff_no == "1006"
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"不动产")
        assert rows(app, "windows") == ["6", "7"]
        await pilot.press("enter")
        assert not app.screen.query_one("#board-filter", Input).display
        assert app.focused is app.screen.query_one("#windows", DataTable)
        await pilot.press("escape")  # clears the filter
        assert len(rows(app, "windows")) == 16
        await pilot.press("tab")  # to the queues table
        await pilot.press("slash", "e", "enter")
        assert rows(app, "queues") == ["E"]


async def test_interventions_from_the_board(
    make_client: ClientFactory,
    terminal_client: CentralClient,
    clock: FakeClock,
    central_app: Any,
) -> None:
    kiosk, clerk = await make_client("kiosk01"), await make_client("1001")
    numbers = [(await kiosk.issue_ticket("A")).number for _ in range(3)]
    await clerk.sign_on(1)
    app = build(terminal_client, clock, login_as="2001", window=None)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot, app)
        # g: call the third ticket to window 1 (cursor on window 1).
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the call dialog")
        await pilot.press(*numbers[2], "enter")
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "back on the board")
        assert status_of(central_app, numbers[2]) == "called"
        assert audited(central_app, "ticket.call_named")[0].actor == "2001"
        # g again: refused (window 1 has a ticket now) — the key does not apply.
        await until(pilot, lambda: board.board is not None and board.board.windows[0].status
                    == "calling", "window 1 calling")  # fmt: skip
        # m: move the first ticket to queue B; a wrong queue is refused inside the dialog.
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the move dialog")
        await pilot.press(*numbers[0], "tab", "z", "enter")
        await until(pilot, lambda: "no queue z" in refusal(app),
                    "the refusal")  # fmt: skip
        assert isinstance(app.screen, PromptScreen)  # kept open, what was typed kept
        await pilot.press("backspace", "b", "enter")
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "back on the board")
        assert len(audited(central_app, "ticket.move")) == 1
        # x: cancel the second ticket; x again is refused (it is cancelled already).
        for expect in ("cancelled", "refused"):
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the cancel dialog")
            await pilot.press(*numbers[1], "enter")
            if expect == "cancelled":
                await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board")
            else:
                await until(pilot, lambda: numbers[1] in refusal(app), "the refusal")  # fmt: skip
                await pilot.press("escape")
        assert status_of(central_app, numbers[1]) == "cancelled"
        # q: window 1 serves F then A for today.
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the queues dialog")
        field = app.screen.query_one("#f-queues", Input)
        field.value = ""
        await pilot.press(*"F1 A2", "enter")
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board")
        assert [q.prefix for q in (await clerk.window(1)).queues] == ["F", "A"]
        # o: sign off window 1 is refused while its ticket is called; after no-show it works.
        await pilot.press("o")
        await until(pilot, lambda: any("sign off" in str(n.message).lower() or "first" in
                    str(n.message) for n in app._notifications), "the refusal")  # fmt: skip
        boss = await make_client("2001")
        ticket = await boss.ticket_by_number(numbers[2])
        await boss.no_show(ticket.id)
        await pilot.press("f5")
        await until(pilot, lambda: board.board is not None and board.board.windows[0].status
                    == "idle", "window 1 idle")  # fmt: skip
        await pilot.press("o")
        await until(pilot, lambda: board.board is not None and board.board.windows[0].status
                    == "signed_off", "window 1 signed off")  # fmt: skip
        assert audited(central_app, "window.sign_off")[-1].actor == "2001"
        # s: the supervisor signs on at window 1 and gets the counter screen.
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, CounterScreen), "the counter")
        assert app.session.window_no == 1


async def test_alerts_tab_acknowledge_and_jump(
    make_client: ClientFactory,
    terminal_client: CentralClient,
    clock: FakeClock,
    central_app: Any,
) -> None:
    clerk = await make_client("1008")
    await clerk.sign_on(8)
    await clerk.pause(8, "training")
    clock.advance(minutes=40)
    check_now(central_app.state.store)  # raised before the supervisor connects
    app = build(terminal_client, clock, login_as="2001", window=None)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot, app)
        assert board.board is not None and board.board.open_alerts == 1
        await pilot.press("2")
        assert len(rows(app, "alerts-view")) == 1
        await pilot.press("a")
        await until(pilot, lambda: bool(board.alerts and board.alerts[0].acked_by == "2001"),
                    "the acknowledgement")  # fmt: skip
        assert len(audited(central_app, "alert.acknowledge")) == 1
        await pilot.press("enter")  # jump to window 8 on the board
        await until(pilot, lambda: board.tab == "board", "the board tab")
        table = app.screen.query_one("#windows", DataTable)
        assert rows(app, "windows")[table.cursor_row] == "8"


async def test_reports_and_callbacks_tabs(
    make_client: ClientFactory,
    terminal_client: CentralClient,
    clock: FakeClock,
    central_app: Any,
    tmp_path: Any,
) -> None:
    from tests.hall_data import serve_with_phones, window_1

    kiosk, clerk, _boss = await window_1(make_client)
    await serve_with_phones(kiosk, clerk, 12, "1390000")
    target = tmp_path / "month.csv"
    target.write_text("kept", encoding="utf-8")  # a file of the same name is there already
    app = build(terminal_client, clock, login_as="2001", window=None)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot, app)
        await pilot.press("5")
        await until(pilot, lambda: board.report is not None, "the day report")
        assert board.report is not None and board.report.queues[0].served == 12
        await pilot.press("5")  # again: the month
        await until(pilot, lambda: board.report is not None and board.report.kind == "month",
                    "the month report")  # fmt: skip
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the CSV's path")
        box = app.screen.query_one("#f-path", Input)
        assert box.value.endswith(f"report-month-{board.report.first_day:%Y%m}.csv")  # dated
        box.value = str(target)
        await pilot.press("enter")  # it exists: said, nothing written
        await until(pilot, lambda: "exists already" in refusal(app), "the question")
        assert isinstance(app.screen, PromptScreen) and target.read_text() == "kept"
        await pilot.press("enter")  # again: the yes
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board")
        assert target.read_bytes().startswith(b"\xef\xbb\xbf")
        await pilot.press("6")
        await until(pilot, lambda: board.callback_day is not None, "the callback sample")
        assert board.callback_day is not None and board.callback_day.drawn == 2
        await pilot.press("c")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the callback dialog")
        await pilot.press("space", "tab", "tab", *"很好", "enter")  # reached, not satisfied…
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the board")
        await until(pilot, lambda: board.callback_day is not None and
                    board.callback_day.recorded == 1, "the recorded callback")  # fmt: skip
        recorded = [c for c in board.callback_day.callbacks if c.recorded_at is not None]
        assert recorded[0].reached is True and recorded[0].note == "很好"


async def test_a_new_alert_reaches_a_board_already_open(
    make_client: ClientFactory,
    terminal_client: CentralClient,
    clock: FakeClock,
    central_app: Any,
) -> None:
    app = build(terminal_client, clock, login_as="2001", window=None)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_board(pilot, app)
        await until(pilot, lambda: app.session.connection == "live", "the live stream")
        assert board.board is not None and board.board.open_alerts == 0
        kiosk = await make_client("kiosk01")
        for _ in range(21):
            await kiosk.issue_ticket("D")
        check_now(central_app.state.store)  # queue D over its level of 20
        await until(pilot, lambda: board.board is not None and board.board.open_alerts == 1,
                    "the pushed alert")  # fmt: skip
        assert [a.kind for a in board.alerts] == ["queue_over"]
