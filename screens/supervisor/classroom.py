"""The trainer's classroom (key 7 on the hall board, against `counter serve --demo`): every
trainee with their window as the hall board shows it (state, the ticket there), their scenario,
how many of its citizens they have decided and their score so far. Enter opens that trainee's
report, r starts their scenario again, F5 reads again; live hall events re-read it (coalesced,
as the board does).

A central that is no classroom answers 404: the screen says so and goes back to the board.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Static

from client import errors
from client.models import Event
from counter.core.i18n import current_language, t
from screens.context import host
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.live import hear_hall
from screens.supervisor.board_text import cut
from screens.supervisor.messages import ClassroomLoaded
from screens.text import plain
from screens.widgets.status_line import StatusLine
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:
    from client.supervisor_models import Board
    from client.training_models import ClassroomReports, TraineePlace, TraineeReportOut

REPAINT_S = 0.5
COLUMNS = ("staff_no", "name", "window", "state", "ticket", "done", "score", "scenario")
# The scenario's title (the last column) gets the width the other columns leave, cut with an
# ellipsis, at least TITLE_MIN cells; FRAME: the table's border and scrollbar, PAD a column's.
TITLE_MIN = 12
FRAME = 4
PAD = 2
# What moves a trainee's row: their window, their tickets (a case decided is a window change).
EVENTS = {"window.changed", "ticket.called", "queue.changed"}


def trainee_row(
    place: TraineePlace, report: TraineeReportOut | None, board: Board | None
) -> list[str | Text]:
    """One trainee as the classroom table shows them (API text as plain text)."""
    english = current_language() == "en"
    title = place.title_en if english and place.title_en else place.title
    window = next((w for w in board.windows if w.no == place.window), None) if board else None
    state = t(f"window.status.{window.status}") if window is not None else ""
    current = window.current_ticket if window is not None else None
    ticket = current.number if current is not None else ""
    done = score = ""
    if report is not None:
        from counter.core.classroom import report_from

        graded = report_from(report)
        decided = sum(1 for case in graded.cases if case.taken)
        done = f"{decided}/{len(graded.cases)}"
        score = str(graded.score)
    scenario = plain(title or t("classroom.no_scenario"))
    return [place.staff_no, plain(place.name), str(place.window), state, plain(ticket), done,
            score, scenario]  # fmt: skip


def fit_titles(
    rows: list[tuple[str, list[str | Text]]], width: int
) -> list[tuple[str, list[str | Text]]]:
    """The rows with the scenario's title cut to what the other columns leave of `width`."""
    labels = [t(f"classroom.col_{key}") for key in COLUMNS]
    used = FRAME + PAD
    for index, label in enumerate(labels[:-1]):
        cells = [Text(label).cell_len, *(Text(str(row[index])).cell_len for _, row in rows)]
        used += max(cells) + PAD
    room = max(TITLE_MIN, width - used)
    return [(key, [*row[:-1], cut(row[-1], room)]) for key, row in rows]


class ClassroomScreen(SaysWorkerErrors, Screen[None]):
    CSS_PATH = "board.tcss"
    DEFAULT_CSS = """
    #classroom { height: 1fr; border: round $secondary; }
    #classroom:focus { border: heavy $accent; border-title-style: bold reverse; }
    """
    HELP_TOPIC = "classroom"
    BINDINGS = bindings("classroom")

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.view: ClassroomReports | None = None
        self.board: Board | None = None
        self.loads = 0  # completed loads (tests wait on it)
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(" " + t("classroom.title"), style="bold"), id="board-title")
        yield DataTable(id="classroom", cursor_type="row")
        yield StatusLine()
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        hear_hall(self, self.hall_event)
        table = self.query_one("#classroom", DataTable)
        for key in COLUMNS:
            table.add_column(t(f"classroom.col_{key}"), key=key)
        table.focus()
        self.load()

    def hall_event(self, event: Event) -> None:
        if event.type in EVENTS and self._pending is None:
            self._pending = self.set_timer(REPAINT_S, self._due)

    def _due(self) -> None:
        self._pending = None
        self.load()

    def action_reload(self) -> None:
        self.load()

    def on_resize(self) -> None:
        self.load()  # the scenario's title is cut to the width

    @work(exclusive=True, group="classroom-load", exit_on_error=False)
    async def load(self) -> None:
        from client import training_api

        client = host(self.app).client
        with reports_failure(self, "classroom", quiet=True):
            try:
                view, board = await asyncio.gather(training_api.classroom(client), client.board())
            except errors.NotFound:  # no classroom's routes on this central
                self.app.notify(t("classroom.no_classroom"), severity="warning", markup=False)
                if self.is_current:
                    self.dismiss()
                return
            self.post_message(ClassroomLoaded(view, board))

    def on_classroom_loaded(self, message: ClassroomLoaded) -> None:
        message.stop()
        self.view, self.board = message.view, message.board
        self.loads += 1
        tables = self.query("#classroom").results(DataTable)
        table = next(tables, None)
        if table is None:  # the screen went meanwhile
            return
        reports = {report.staff_no: report for report in self.view.reports}
        rows = [
            (place.staff_no, trainee_row(place, reports.get(place.staff_no), self.board))
            for place in self.view.trainees
        ]
        rows = fit_titles(rows, self.app.size.width)
        cursor = table.cursor_row
        table.clear()
        for key, row in rows:
            table.add_row(*row, key=key)
        if rows:
            table.move_cursor(row=min(max(cursor, 0), len(rows) - 1))
        table.border_title = t("classroom.trainees", n=len(rows))

    def selected(self) -> TraineePlace | None:
        if self.view is None:
            return None
        table = self.query_one("#classroom", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return next((p for p in self.view.trainees if p.staff_no == key), None)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()  # Enter on a row (the table takes the key before the screen's binding)
        self.action_open_report()

    def action_open_report(self) -> None:
        place = self.selected()
        if place is None or self.view is None:
            return
        wire = next((r for r in self.view.reports if r.staff_no == place.staff_no), None)
        if wire is None:
            self.app.notify(t("classroom.no_report", name=place.name), markup=False)
            return
        from counter.core.classroom import report_from
        from screens.trainee_report import TraineeReportScreen

        self.app.push_screen(TraineeReportScreen(report_from(wire)))

    def action_restart(self) -> None:
        place = self.selected()
        if place is not None and place.scenario is not None:
            self.restart(place.staff_no, place.name)

    @work(group="classroom-restart", exit_on_error=False)
    async def restart(self, staff_no: str, name: str) -> None:
        from client import training_api

        with reports_failure(self, "classroom"):
            await training_api.restart(host(self.app).client, staff_no)
            self.app.notify(t("classroom.restarted", name=name), markup=False)
            self.load()

    def action_back(self) -> None:
        self.dismiss()
