"""Supervisor: the hall's 差评 queue (差评核实与整改). Open ones first (pending, then upheld by
due date); v verifies (属实 / 不属实 / 误评), c records the rectification, Enter shows one;
2 lists every 差评, closed ones too; t opens the staff tally table.

A dissatisfied 回访 callback put into the queue is listed with the citizens' 差评, marked 回访
in the level column, and goes through the same verify / rectify steps."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from client.models import Event
from client.supervisor_models import Callback
from counter.core.i18n import t
from screens.context import host
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.live import hear_hall
from screens.ratings.detail import Mode, RatingDetailScreen
from screens.ratings.messages import BadItem, QueueLoaded
from screens.ratings.table_text import (
    SUPERVISOR_COMMENT_CELLS,
    bad_columns,
    bad_row,
    callback_row,
    item_key,
    queue_order,
)
from screens.widgets.fitted_table import FittedTable
from screens.worker_errors import SaysWorkerErrors


class BadQueueScreen(SaysWorkerErrors, Screen[None]):
    CSS_PATH = "ratings.tcss"
    HELP_TOPIC = "bad_queue"
    BINDINGS = bindings("bad_queue")

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.open_only = True
        self.ratings: list[BadItem] = []

    def compose(self) -> ComposeResult:
        yield Static(id="ratings-title")
        yield Static(id="ratings-tabs")
        yield FittedTable(self.fill, id="queue-table", cursor_type="row")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        hear_hall(self, self.hall_event)
        self.query_one("#queue-table", FittedTable).set_cols(bad_columns(supervisor=True))
        self.redraw_head()
        self.reload()

    def hall_event(self, event: Event) -> None:
        """A rating, a callback or a 差评 step anywhere in the hall: the queue may have
        changed."""
        if event.type in ("rating.received", "callback.changed"):
            self.reload()

    def redraw_head(self) -> None:
        self.query_one("#ratings-title", Static).update(
            Text(" " + t("ratings.queue_title"), style="bold")
        )
        tabs = Text(" ")
        for index, (flag, key) in enumerate(((True, "queue_open"), (False, "queue_all")), 1):
            style = "bold reverse" if flag == self.open_only else ""
            tabs.append(f" {index} {t('keys.' + key)} ", style=style)
            tabs.append(" ")
        self.query_one("#ratings-tabs", Static).update(tabs)

    # --- loading ----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.fetch(self.open_only)

    @work(exclusive=True, group="bad-queue", exit_on_error=False)
    async def fetch(self, open_only: bool) -> None:
        client = host(self.app).client
        with reports_failure(self, "bad_queue"):
            ratings, callbacks = await asyncio.gather(
                client.ratings(staff=None, bad=True, open_only=open_only, limit=500),
                client.callback_complaints(open_only=open_only, limit=500),
            )
            items: list[BadItem] = [*ratings, *callbacks]
            self.post_message(QueueLoaded(queue_order(items, open_only=open_only)))

    def on_queue_loaded(self, message: QueueLoaded) -> None:
        message.stop()
        table = self.query_one("#queue-table", FittedTable)
        self.ratings = message.ratings
        if not table.set_cols(bad_columns(supervisor=True, items=self.ratings)):
            self.fill()
        pending = sum(1 for r in self.ratings if r.review and r.review.state == "pending")
        overdue = sum(1 for r in self.ratings if r.review and r.review.overdue)
        table.border_title = t("ratings.queue_count", count=len(self.ratings))
        table.border_subtitle = t("ratings.queue_figures", pending=pending, overdue=overdue)
        self.refresh_bindings()

    def fill(self) -> None:
        """The rows (again after the columns were laid out anew for a new width)."""
        table = self.query_one("#queue-table", FittedTable)
        keep = table.cursor_row
        width = {str(key.value): col.width for key, col in table.columns.items()}
        cells = width.get("comment", SUPERVISOR_COMMENT_CELLS)
        table.clear()
        for item in self.ratings:
            if isinstance(item, Callback):
                table.add_row(*callback_row(item, cells), key=item_key(item))
            else:
                table.add_row(*bad_row(item, supervisor=True, cells=cells), key=item_key(item))
        if self.ratings:
            table.move_cursor(row=min(max(keep, 0), len(self.ratings) - 1))

    # --- actions ----------------------------------------------------------------------------

    def selected(self) -> BadItem | None:
        table = self.query_one("#queue-table", DataTable)
        if not self.ratings or not 0 <= table.cursor_row < len(self.ratings):
            return None
        return self.ratings[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step":
            rating = self.selected()
            state = rating.review.state if rating and rating.review else None
            wanted = "pending" if parameters and parameters[0] == "verify" else "upheld"
            return state == wanted or None
        return True

    def open_detail(self, mode: Mode) -> None:
        rating = self.selected()
        if rating is None:
            return

        def done(changed: BadItem | None) -> None:
            if changed is not None:
                self.reload()

        self.app.push_screen(RatingDetailScreen(rating, mode=mode), done)

    def action_step(self, mode: str) -> None:
        if mode in ("verify", "rectify"):
            self.open_detail(mode)  # type: ignore[arg-type]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        rating = self.selected()
        state = rating.review.state if rating and rating.review else None
        mode: Mode = "view"
        if state == "pending":
            mode = "verify"
        elif state == "upheld":
            mode = "rectify"
        self.open_detail(mode)

    def action_show_open(self, open_only: bool) -> None:
        self.open_only = open_only
        self.redraw_head()
        self.reload()

    def action_staff_table(self) -> None:
        from screens.ratings.staff_tally import StaffTallyScreen

        self.app.push_screen(StaffTallyScreen())

    def action_close(self) -> None:
        self.dismiss(None)
