"""The lists of escalations: what they share, and "my escalations" (a clerk's own); the hall
ledger (台账, supervisors: filters, the steps, CSV export) is screens.escalation.ledger.

Rows show the ledger number, state, category, due date (overdue in reverse video and words)
and who/what; Enter opens one with its timeline. Live `escalation.changed` events re-fetch.
The columns fit the language's words and the numbers and dates listed; the names and the
description take the rest of the width, and are cut only where that width ends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widgets import DataTable, Static

from client.escalation_models import (
    ESCALATION_CATEGORIES,
    ESCALATION_STATUSES,
    Escalation,
    EscalationList,
)
from counter.core.i18n import t
from screens.context import host
from screens.escalation.common import (
    action_text,
    category_text,
    due_cell,
    hear_escalations,
    short,
    status_text,
)
from screens.escalation.detail import EscalationDetailScreen
from screens.escalation.messages import (
    EscalationChanged,
    EscalationSaved,
    EscalationsLoaded,
)
from screens.escalation.steps import SupervisorSteps
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.messages import ApiFailed
from screens.text import plain
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.fitted_table import Col, FittedTable


def _what(e: Escalation) -> str:
    return e.item_name or e.description


def department_of(e: Escalation) -> str:
    return e.department_name or "—"


def reporter_of(e: Escalation) -> str:
    return e.reporter.name


# Live events come in bursts (a step, then the deadline check): one re-fetch per burst.
REFRESH_DEBOUNCE_S = 0.3


class EscalationsScreen(SupervisorSteps):
    """What both lists share: the table, loading, live refresh, opening one."""

    CSS_PATH = "escalation.tcss"
    TABLE_ID = "mine-table"
    STATUS_ID = "mine-status"

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Escalation] = []
        self.today: date | None = None
        self.loaded = False
        self._refresh_timer: Timer | None = None

    def table(self) -> FittedTable:
        return self.query_one(f"#{self.TABLE_ID}", FittedTable)

    def make_table(self) -> FittedTable:
        return FittedTable(self.fill, id=self.TABLE_ID, cursor_type="row", zebra_stripes=False)

    def selected(self) -> Escalation | None:
        if not self.items:
            return None
        row = self.table().cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    def on_mount(self) -> None:
        hear_escalations(self)
        table = self.table()
        table.set_cols(self.columns())
        table.focus()
        self.show_status()
        self.reload()

    def columns(self) -> list[Col]:
        raise NotImplementedError

    def cells(self, e: Escalation, width: dict[str, int]) -> list[Text | str]:
        """One row; `width`: each column's cells, to cut the free text to."""
        raise NotImplementedError

    def shared_columns(self) -> list[Col]:
        """Ledger number, state and category: as wide as their widest text in this language."""
        return [
            Col("no", t("escalation.col.no"), fits=tuple(plain(e.no).plain for e in self.items)),
            # The states listed, not every state: "不属于受理范围" is rare, and its width
            # is better spent on the names (the columns are laid out again on each load).
            Col("status", t("escalation.col.status"), fits=tuple(self.states_listed())),
            Col(
                "category",
                t("escalation.col.category"),
                fits=tuple(map(category_text, ESCALATION_CATEGORIES)),
            ),
        ]

    def states_listed(self) -> list[str]:
        listed = {e.status for e in self.items}
        return [status_text(status) for status in ESCALATION_STATUSES if status in listed]

    def texts(self, of: Callable[[Escalation], str]) -> tuple[str, ...]:
        """A free-text column's texts as its cells show them (one line, uncut)."""
        return tuple(short(of(e), 10_000) for e in self.items)

    def due_column(self) -> Col:
        fits = tuple(due_cell(e, self.today).plain for e in self.items)
        return Col("due", t("escalation.col.due"), fits=fits)

    def fill(self) -> None:
        """The rows (again after the columns were laid out anew for a new width)."""
        table = self.table()
        width = {str(key.value): column.width for key, column in table.columns.items()}
        table.clear()
        for escalation in self.items:
            table.add_row(*self.cells(escalation, width), key=escalation.no)

    async def fetch(self) -> EscalationList:
        raise NotImplementedError

    @work(exclusive=True, group="escalation-list", exit_on_error=False)
    async def reload(self) -> None:
        with reports_failure(self, "escalation_list", quiet=True):
            answer = await self.fetch()
            self.post_message(EscalationsLoaded(answer))

    def on_escalations_loaded(self, message: EscalationsLoaded) -> None:
        message.stop()
        keep = self.selected()
        self.items = list(message.answer.items)
        self.today = message.answer.today
        self.loaded = True
        # The numbers and dates listed may need other widths; the rows are added either way.
        if not self.table().set_cols(self.columns()):
            self.fill()
        if keep is not None:
            for index, escalation in enumerate(self.items):
                if escalation.no == keep.no:
                    self.table().move_cursor(row=index)
        self.show_status()
        self.refresh_bindings()

    def show_status(self) -> None:
        status = self.query_one(f"#{self.STATUS_ID}", Static)
        if not self.loaded:
            status.update(t("escalation.loading"))
            return
        overdue = sum(e.overdue for e in self.items)
        status.update(
            t("escalation.list.count", count=len(self.items), overdue=overdue)
            if self.items
            else t("escalation.list.empty")
        )

    @on(DataTable.RowHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        escalation = self.selected()
        if escalation is not None:
            self.app.push_screen(EscalationDetailScreen(escalation.no, escalation))

    def on_escalation_changed(self, message: EscalationChanged) -> None:
        message.stop()
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        self._refresh_timer = self.set_timer(REFRESH_DEBOUNCE_S, self.reload)

    def on_escalation_saved(self, message: EscalationSaved) -> None:
        message.stop()
        self.stepping = False
        no = message.escalation.no
        self.notify(
            t("escalation.step_done", no=no, action=action_text(message.action)), markup=False
        )
        self.reload()

    def on_api_failed(self, message: ApiFailed) -> None:
        self.step_failed()

    def on_screen_resume(self) -> None:
        # Back from the detail screen, where a step may have been taken.
        if self.loaded:
            self.reload()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_reload(self) -> None:
        self.reload()


class MyEscalationsScreen(EscalationsScreen):
    """我的反映: the escalations this clerk raised."""

    HELP_TOPIC = "my_escalations"
    BINDINGS = bindings("my_escalations")

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)

    def compose(self) -> ComposeResult:
        yield Static(t("escalation.mine.title"), id="mine-title")
        yield self.make_table()
        yield Static("", id="mine-status")
        yield FittedFooter()

    def columns(self) -> list[Col]:
        return [
            *self.shared_columns(),
            self.due_column(),
            Col("what", t("escalation.col.what"), fits=self.texts(_what), share=1, least=10),
        ]

    def cells(self, e: Escalation, width: dict[str, int]) -> list[Text | str]:
        return [
            plain(e.no),
            status_text(e.status),
            category_text(e.category),
            due_cell(e, self.today),
            plain(short(_what(e), width.get("what", 22))),
        ]

    async def fetch(self) -> EscalationList:
        return await host(self.app).client.escalations(mine=True)
