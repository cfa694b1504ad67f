"""The two lists of escalations: "my escalations" (a clerk's own) and the hall ledger (台账,
supervisors: filters by state, category, department and overdue; the steps; CSV export).

Rows show the ledger number, state, category, due date (overdue in reverse video and words)
and who/what; Enter opens one with its timeline. Live `escalation.changed` events re-fetch.
The columns fit the language's words and the numbers and dates listed; the names and the
description take the rest of the width, and are cut only where that width ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Select, Static

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
from screens.escalation.dialogs import Values, export_dialog
from screens.escalation.export import default_path, write_csv
from screens.escalation.messages import (
    DepartmentsLoaded,
    EscalationChanged,
    EscalationSaved,
    EscalationsLoaded,
    ExportDone,
)
from screens.escalation.steps import SupervisorSteps
from screens.export_file import AskBeforeReplacing
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.messages import ApiFailed
from screens.text import clean, plain
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.fitted_table import Col, FittedTable


def _what(e: Escalation) -> str:
    return e.item_name or e.description


def _department(e: Escalation) -> str:
    return e.department_name or "—"


def _reporter(e: Escalation) -> str:
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

    @work(exclusive=True, group="escalation-list")
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


ALL = "*"


class LedgerScreen(EscalationsScreen):
    """反映台账: the hall's escalations, for supervisors."""

    HELP_TOPIC = "escalation_ledger"
    TABLE_ID = "ledger-table"
    STATUS_ID = "ledger-status"
    BINDINGS = bindings("escalation_ledger")

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.filters: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(t("escalation.ledger.title"), id="ledger-title")
        with Horizontal(id="ledger-filters"):
            yield self._filter("status", [(status_text(s), s) for s in ESCALATION_STATUSES])
            yield self._filter("category", [(category_text(c), c) for c in ESCALATION_CATEGORIES])
            yield self._filter("department", self._department_options())
            yield self._filter(
                "overdue",
                [
                    (t("escalation.ledger.overdue_only"), "yes"),
                    (t("escalation.ledger.on_time"), "no"),
                ],
            )
        yield self.make_table()
        yield Static("", id="ledger-status")
        yield FittedFooter()

    def _filter(self, name: str, options: Sequence[tuple[str | Text, str]]) -> Select[str]:
        everything: list[tuple[str | Text, str]] = [(t(f"escalation.ledger.all_{name}"), ALL)]
        return Select(
            [*everything, *options], allow_blank=False, value=ALL, id=f"filter-{name}", compact=True
        )

    def _department_options(self) -> list[tuple[str | Text, str]]:
        # Text, not str: a Select reads a str prompt as markup, and the names come from the API.
        return [(plain(short(d.name, 14)), d.code) for d in self.known_departments()]

    def on_mount(self) -> None:
        # (Textual runs the base class's on_mount too: the table is set up there.)
        if host(self.app).session.hall is None:
            self.load_departments()

    def on_departments_loaded(self, message: DepartmentsLoaded) -> None:
        message.stop()
        self.departments = message.departments
        select = cast("Select[str]", self.query_one("#filter-department", Select))
        select.set_options(
            [(t("escalation.ledger.all_department"), ALL), *self._department_options()]
        )
        select.value = self.filters.get("department", ALL)

    @on(Select.Changed)
    def _filtered(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("filter-")
        value = "" if event.value in (ALL, Select.NULL) else str(event.value)
        if self.filters.get(name, "") == value:
            return
        self.filters[name] = value
        if self.loaded:
            self.reload()

    def columns(self) -> list[Col]:
        return [
            *self.shared_columns(),
            Col(
                "department",
                t("escalation.col.department"),
                fits=self.texts(_department),
                share=3,
                least=6,
            ),
            self.due_column(),
            Col(
                "reporter",
                t("escalation.col.reporter"),
                fits=self.texts(_reporter),
                share=2,
                least=6,
            ),
        ]

    def cells(self, e: Escalation, width: dict[str, int]) -> list[Text | str]:
        return [
            plain(e.no),
            status_text(e.status),
            category_text(e.category),
            plain(short(_department(e), width.get("department", 10))),
            due_cell(e, self.today),
            plain(short(_reporter(e), width.get("reporter", 8))),
        ]

    async def fetch(self) -> EscalationList:
        f = self.filters
        return await host(self.app).client.escalations(
            status=cast("Any", f.get("status") or None),
            category=cast("Any", f.get("category") or None),
            department=f.get("department") or None,
            overdue={"yes": True, "no": False}.get(f.get("overdue", "")),
        )

    # --- CSV export ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return bool(self.items) or None
        return super().check_action(action, parameters)

    def action_export(self) -> None:
        if not self.items:
            return
        items = list(self.items)
        now = host(self.app).now()

        guard = AskBeforeReplacing("escalation.export.exists", "escalation.export.bad_path")

        def chosen(values: Values | None) -> None:
            if values is not None and values.get("path"):
                path = Path(values["path"]).expanduser()
                self.export(path, items, now, guard.replaces(path))

        self.app.push_screen(export_dialog(str(default_path(now)), guard), chosen)

    @work(thread=True, group="escalation-export")
    def export(self, path: Path, items: list[Escalation], now: Any, replace: bool) -> None:
        """Writing a file may block (a network share): a thread worker."""
        try:
            rows = write_csv(path, items, now, replace=replace)
        except OSError as error:
            self.post_message(ExportDone(path, 0, str(error.strerror or error)))
            return
        self.post_message(ExportDone(path, rows))

    def on_export_done(self, message: ExportDone) -> None:
        message.stop()
        if message.error is not None:
            self.notify(
                t(
                    "escalation.export.failed",
                    path=clean(str(message.path)),
                    detail=clean(message.error),
                ),
                severity="error",
                markup=False,
            )
        else:
            self.notify(
                t("escalation.export.done", path=clean(str(message.path)), rows=message.rows),
                markup=False,
            )
