"""The hall board (大厅看板): what a supervisor sees after logging in.

Tabs (number keys): 1 board — every window and every queue; 2 alerts, newest first; 3 the
escalation ledger; 4 the 差评 queue; 5 reports; 6 回访 callbacks. `/` filters the table in
focus. Live: hall events mark the board stale and one re-fetch follows at most every
REPAINT_S, however many events arrive (a burst is one repaint, not one per event); durations
show whole minutes, so a quiet hall repaints a few cells once a minute.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static

from client.models import Event
from client.report_models import Report, ReportKind
from client.supervisor_models import Alert, Board, BoardWindow, CallbackDay
from counter.core.i18n import t
from screens.context import host
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.live import hear_hall, hear_session
from screens.supervisor import board_text as bt
from screens.supervisor.board_actions import BoardActions
from screens.supervisor.board_extras import BoardExtras
from screens.supervisor.messages import BoardLoaded, JumpTo
from screens.supervisor.table_sync import sync
from screens.text import plain
from screens.widgets.status_line import MIN_REDRAW_S, StatusLine
from screens.widgets.steady import keep_title

REPAINT_S = 0.5  # at most two re-fetches and repaints a second during a burst
# The windows table's frame: its border (2) and a vertical scrollbar (2) take this many cells.
FRAME = 4
TABS = ("board", "alerts", "ledger", "bad", "reports", "callbacks")
VIEWS = {"board": "board-view", "alerts": "alerts-view", "reports": "reports-view",
         "callbacks": "callbacks-view"}  # fmt: skip
# Events that change what the board shows; escalation steps only matter through alerts.
BOARD_EVENTS = {
    "queue.changed", "ticket.called", "window.changed", "rating.received",
    "alert.raised", "alert.changed", "callback.changed",
}  # fmt: skip


class HallBoardScreen(BoardActions, BoardExtras, Screen[None]):
    CSS_PATH = "board.tcss"
    HELP_TOPIC = "hall_board"
    BINDINGS = bindings("hall_board")

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.tab = "board"
        self.board: Board | None = None
        self.alerts: list[Alert] = []
        self.filters: dict[str, str] = {}
        self.filter_target = "windows"
        self._pending: Timer | None = None
        self._stale = False
        self._lost = False  # the stream was lost since the last load (reload when it is back)
        self.loads = 0  # completed loads (tests wait on it)
        self.report_kind: ReportKind = "day"
        self.report: Report | None = None
        self.callback_day: CallbackDay | None = None
        self.callback_date: date | None = None  # tab 6 shows this past day; None: today
        self.window_columns: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="board-title")
        yield Static(id="board-tabs")
        with ContentSwitcher(initial="board-view", id="board-switcher"):
            with Vertical(id="board-view"):
                yield DataTable(id="windows", cursor_type="row", zebra_stripes=False)
                yield DataTable(id="queues", cursor_type="row")
            yield DataTable(id="alerts-view", cursor_type="row")
            with VerticalScroll(id="reports-view"):
                yield Static(id="report-body")
            with Vertical(id="callbacks-view"):
                yield Static(id="callbacks-head")
                yield DataTable(id="callbacks", cursor_type="row")
        yield Input(id="board-filter", placeholder=t("board.filter_placeholder"))
        yield StatusLine()
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if not self.query("#queues"):  # the app closed while the board was being put up
            return
        hear_hall(self, self.hall_event)  # the App's live fan-out (screens/live.py)
        hear_session(self, self.session_changed)  # the connection's state, said at once
        for table_id, names in (
            ("queues", bt.QUEUE_COLUMNS),
            ("alerts-view", bt.ALERT_COLUMNS),
            ("callbacks", bt.CALLBACK_COLUMNS),
        ):
            table = self.query_one(f"#{table_id}", DataTable)
            for key, label in bt.columns(names):
                table.add_column(label, key=key)
        self.query_one("#board-filter", Input).display = False
        self.redraw_head()
        self.query_one("#windows", DataTable).focus()
        self.load()
        # Durations are whole minutes (of the demo's clock, which may run faster).
        every = max(60 / max(host(self.app).clock_speed, 0.01), MIN_REDRAW_S)
        self.set_interval(every, self.repaint)

    def fit_columns(self, rows: list[list[bt.Cell]]) -> list[list[bt.Cell]]:
        """These rows as the windows table shows them at the screen's width: the window's
        name cut, or left out, when the rows would not fit (80 columns, a long state)."""
        wanted, name_cells = bt.window_columns(rows, self.app.size.width - FRAME)
        if wanted != self.window_columns:
            self.window_columns = wanted
            table = self.query_one("#windows", DataTable)
            table.clear(columns=True)
            for key, label in bt.columns(wanted):
                table.add_column(label, key=key)
        keep = [bt.WINDOW_COLUMNS.index(name) for name in wanted]
        name = bt.WINDOW_COLUMNS.index("name")
        shown = []
        for row in rows:
            if name_cells is not None:
                row = [*row]
                row[name] = bt.cut(row[name], name_cells)
            shown.append([row[i] for i in keep])
        return shown

    def on_resize(self) -> None:
        self.repaint()

    # --- live -------------------------------------------------------------------------------

    def session_changed(self) -> None:
        """The status line says a lost central at once, not at the next minute; once the
        stream is back after a loss, the board is fetched again (whatever changed meanwhile)."""
        lines = self.query(StatusLine)
        if not lines:  # the screen is going away
            return
        lines.first().redraw()
        state = host(self.app).session.connection
        if state in ("offline", "polling"):
            self._lost = True
        elif state == "live" and self._lost:
            self._lost = False
            self.load()
            if self.tab == "callbacks":
                self.load_callbacks()

    def hall_event(self, event: Event) -> None:
        """Called by the App for each live event; coalesced into one re-fetch per REPAINT_S."""
        if event.type not in BOARD_EVENTS:
            return
        self._stale = True
        if self._pending is None:
            self._pending = self.set_timer(REPAINT_S, self._due)

    def _due(self) -> None:
        self._pending = None
        if self._stale:
            self._stale = False
            self.load()
            if self.tab == "callbacks":
                self.load_callbacks()

    def action_reload(self) -> None:
        self.load()

    @work(exclusive=True, group="board-load", exit_on_error=False)
    async def load(self) -> None:
        client = host(self.app).client
        with reports_failure(self, "board", quiet=True):
            board, alerts = await asyncio.gather(client.board(), client.alerts(limit=200))
            self.post_message(BoardLoaded(board, alerts.alerts))

    def on_board_loaded(self, message: BoardLoaded) -> None:
        message.stop()
        self.board, self.alerts = message.board, message.alerts
        self.loads += 1
        self.redraw_head()
        self.repaint()
        self.refresh_bindings()

    # --- drawing ----------------------------------------------------------------------------

    def redraw_head(self) -> None:
        title = Text(" ")
        title.append(t("board.title"), style="bold")
        if self.board is not None:
            title.append(" · ")
            title.append_text(plain(self.board.hall_name))
            opened = self.board.open_alerts
            title.append(" · ")
            title.append(
                t("board.open_alerts", count=opened), style="bold reverse" if opened else ""
            )
        self.query_one("#board-title", Static).update(title)
        tabs = Text(" ")
        for index, name in enumerate(TABS, 1):
            style = "bold reverse" if name == self.tab else ""
            tabs.append(f"{index} {t('board.tab.' + name)}", style=style)
            tabs.append("  ")
        self.query_one("#board-tabs", Static).update(tabs)

    def repaint(self) -> None:
        board = self.board
        if board is None:
            return
        now = host(self.app).now()
        full = [bt.window_row(w, now) for w in board.windows]
        shown = self.fit_columns(full)
        windows = [(str(w.no), row) for w, row in zip(board.windows, shown, strict=True)]
        # `/` matches a window's whole name even where the screen cuts it or leaves it out.
        searched = {"windows": {str(w.no): row for w, row in zip(board.windows, full, strict=True)}}
        queues = [(q.prefix, bt.queue_row(q)) for q in board.queues]
        alerts = [
            (str(a.id), bt.alert_row(a, a.raised_at.astimezone(now.tzinfo))) for a in self.alerts
        ]
        for table_id, rows, title in (
            ("windows", windows, t("board.windows", count=len(board.windows))),
            ("queues", queues, t("board.queues", count=len(board.queues))),
            ("alerts-view", alerts, t("board.alerts", count=len(self.alerts))),
        ):
            table = self.query_one(f"#{table_id}", DataTable)
            needle = self.filters.get(table_id, "")
            sync(table, rows, needle, searched.get(table_id))
            subtitle = f"/{needle}" if needle else ""
            keep_title(table, title, subtitle)

    # --- tabs and filter --------------------------------------------------------------------

    def action_tab(self, name: str) -> None:
        if name == "ledger":
            from screens.escalation.ledger import LedgerScreen

            self.app.push_screen(LedgerScreen())
            return
        if name == "bad":
            from screens.ratings.review_queue import BadQueueScreen

            self.app.push_screen(BadQueueScreen())
            return
        if name == "classroom":  # a classroom's central (counter serve --demo) only
            from screens.supervisor.classroom import ClassroomScreen

            self.app.push_screen(ClassroomScreen())
            return
        if name == "reports" and self.tab == "reports":
            self.report_kind = "month" if self.report_kind == "day" else "day"
        self.tab = name
        self.query_one("#board-switcher", ContentSwitcher).current = VIEWS[name]
        if name == "board":
            self.query_one("#windows", DataTable).focus()
        elif name == "alerts":
            self.query_one("#alerts-view", DataTable).focus()
        elif name == "reports":
            self.query_one("#reports-view", VerticalScroll).focus()
            self.load_report(self.report_kind)
        elif name == "callbacks":
            self.query_one("#callbacks", DataTable).focus()
            self.load_callbacks()
        self.redraw_head()
        self.refresh_bindings()

    def focused_table(self) -> DataTable[Any] | None:
        focused = self.focused
        return focused if isinstance(focused, DataTable) else None

    def action_filter(self) -> None:
        table = self.focused_table()
        if table is None or table.id is None:
            return
        self.filter_target = table.id
        box = self.query_one("#board-filter", Input)
        box.value = self.filters.get(table.id, "")
        box.display = True
        box.focus()

    @on(Input.Changed, "#board-filter")
    def filter_changed(self, event: Input.Changed) -> None:
        self.filters[self.filter_target] = event.value.strip()
        self.repaint()

    @on(Input.Submitted, "#board-filter")
    def filter_done(self, event: Input.Submitted) -> None:
        self.close_filter()

    def close_filter(self) -> None:
        box = self.query_one("#board-filter", Input)
        box.display = False
        self.query_one(f"#{self.filter_target}", DataTable).focus()

    def key_escape(self) -> None:
        box = self.query_one("#board-filter", Input)
        if box.display:
            box.value = ""
            self.close_filter()
        elif self.filters.get(self.filter_target):
            self.filters[self.filter_target] = ""
            self.repaint()

    # --- what is selected -------------------------------------------------------------------

    def selected_window(self) -> BoardWindow | None:
        if self.board is None or self.tab != "board":
            return None
        table = self.query_one("#windows", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((w for w in self.board.windows if str(w.no) == key), None)

    def selected_alert(self) -> Alert | None:
        if self.tab != "alerts":
            return None
        table = self.query_one("#alerts-view", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((a for a in self.alerts if str(a.id) == key), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "alerts-view":
            event.stop()
            self.action_open_alert()

    def on_jump_to(self, message: JumpTo) -> None:
        message.stop()
        self.action_tab("board")
        table_id = "windows" if message.table == "w" else "queues"
        self.filters[table_id] = ""
        self.repaint()
        table = self.query_one(f"#{table_id}", DataTable)
        keys = [str(k.value) for k in table.rows]
        if message.key in keys:
            table.move_cursor(row=keys.index(message.key))
        table.focus()
