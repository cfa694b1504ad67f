"""The hall ledger (反映台账) for supervisors: the escalations of the whole hall, filtered by
state, category, department and overdue, with the supervisor's steps and CSV export. The list
itself (columns that fit, live re-fetch, Enter opens one) is screens.escalation.lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Select, Static

from client.escalation_models import (
    ESCALATION_CATEGORIES,
    ESCALATION_STATUSES,
    Escalation,
    EscalationList,
)
from counter.core.i18n import t
from screens.context import host
from screens.escalation.common import (
    category_text,
    due_cell,
    short,
    status_text,
)
from screens.escalation.dialogs import Values, export_dialog
from screens.escalation.export import default_path, write_csv
from screens.escalation.lists import EscalationsScreen, department_of, reporter_of
from screens.escalation.messages import (
    DepartmentsLoaded,
    ExportDone,
)
from screens.export_file import AskBeforeReplacing
from screens.keys import bindings, localized
from screens.text import clean, plain
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.fitted_table import Col

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
                fits=self.texts(department_of),
                share=3,
                least=6,
            ),
            self.due_column(),
            Col(
                "reporter",
                t("escalation.col.reporter"),
                fits=self.texts(reporter_of),
                share=2,
                least=6,
            ),
        ]

    def cells(self, e: Escalation, width: dict[str, int]) -> list[Text | str]:
        return [
            plain(e.no),
            status_text(e.status),
            category_text(e.category),
            plain(short(department_of(e), width.get("department", 10))),
            due_cell(e, self.today),
            plain(short(reporter_of(e), width.get("reporter", 8))),
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

    @work(thread=True, group="escalation-export", exit_on_error=False)
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
