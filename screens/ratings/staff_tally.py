"""Supervisor: the staff tally table (工作人员评价统计) for today, this week or this month.

One row per clerk who served: served, rated, 满意率, average, 差评, rectification rate.
s / b / n sort by 满意率 / 差评 / served (again: the other way round); x exports it as CSV.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from client.hall_time import HALL_TZ
from client.rating_models import RatingTable, TallyRow
from counter.core.i18n import t
from screens.context import host
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.ratings.export import ExportScreen, write_csv
from screens.ratings.figures import Period, PeriodKind, period_of
from screens.ratings.messages import Exported, ExportFailed, TableLoaded
from screens.ratings.table_text import range_label, table_columns, table_row
from screens.text import clean
from screens.widgets.fitted_table import FittedTable
from screens.worker_errors import SaysWorkerErrors

SortKey = str  # "satisfaction" | "bad" | "served"

_SORTS: dict[SortKey, Callable[[TallyRow], tuple[float, ...]]] = {
    # Rows with nothing rated sort after every rated row, whichever the direction.
    "satisfaction": lambda r: (
        r.figures.satisfaction is not None,
        r.figures.satisfaction or 0.0,
        r.figures.rated,
    ),
    "bad": lambda r: (float(r.figures.bad), -(r.figures.satisfaction or 0.0)),
    "served": lambda r: (float(r.figures.served), float(r.figures.rated)),
}


def sort_rows(rows: list[TallyRow], key: SortKey, descending: bool) -> list[TallyRow]:
    ordered = sorted(rows, key=lambda r: r.key)  # ties: by staff number
    ordered = sorted(ordered, key=_SORTS[key], reverse=descending)
    if key == "satisfaction":  # unrated rows last either way
        ordered = [r for r in ordered if r.figures.rated] + [
            r for r in ordered if not r.figures.rated
        ]
    return ordered


class StaffTallyScreen(SaysWorkerErrors, Screen[None]):
    CSS_PATH = "ratings.tcss"
    HELP_TOPIC = "staff_tally"
    BINDINGS = bindings("staff_tally")

    def __init__(self, kind: PeriodKind = "month") -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.kind: PeriodKind = kind
        self.sort_key: SortKey = "satisfaction"
        self.descending = True
        self.table: RatingTable | None = None

    def period(self) -> Period:
        return period_of(self.kind, host(self.app).now().astimezone(HALL_TZ).date())

    def compose(self) -> ComposeResult:
        yield Static(id="ratings-title")
        yield Static(id="ratings-tabs")
        yield FittedTable(self.fill, id="staff-table", cursor_type="row")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#staff-table", FittedTable).set_cols(table_columns())
        self.redraw_head()
        self.reload()

    def redraw_head(self) -> None:
        period = self.period()
        title = Text.assemble(
            (" " + t("ratings.staff_title"), "bold"),
            " · ",
            t(f"ratings.period.{period.kind}"),
            " ",
            range_label(period.start, period.end),
        )
        self.query_one("#ratings-title", Static).update(title)
        tabs = Text(" ")
        for index, kind in enumerate(("today", "week", "month"), start=1):
            style = "bold reverse" if kind == self.kind else ""
            tabs.append(f" {index} {t('ratings.period.' + kind)} ", style=style)
            tabs.append(" ")
        arrow = "↓" if self.descending else "↑"
        tabs.append(t("ratings.sorted_by", column=t(f"ratings.sort.{self.sort_key}")) + arrow)
        self.query_one("#ratings-tabs", Static).update(tabs)

    # --- loading ----------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        period = self.period()
        self.fetch(period.start, period.end)

    @work(exclusive=True, group="staff-tally", exit_on_error=False)
    async def fetch(self, start: date, end: date) -> None:
        with reports_failure(self, "staff_tally"):
            table = await host(self.app).client.rating_table(start, end, "staff")
            self.post_message(TableLoaded(table))

    def on_table_loaded(self, message: TableLoaded) -> None:
        message.stop()
        self.table = message.table
        self.show_rows()

    def rows(self) -> list[TallyRow]:
        if self.table is None:
            return []
        return sort_rows(list(self.table.rows), self.sort_key, self.descending)

    def fill(self) -> None:
        """The rows (again after the columns were laid out anew for a new width)."""
        widget = self.query_one("#staff-table", FittedTable)
        widget.clear()
        for row in self.rows():
            widget.add_row(*table_row(row), key=row.key)

    def show_rows(self) -> None:
        widget = self.query_one("#staff-table", FittedTable)
        rows = self.rows()
        if not widget.set_cols(table_columns(rows)):
            self.fill()
        widget.border_title = t("ratings.staff_count", count=len(rows))
        self.redraw_head()
        self.refresh_bindings()

    # --- actions ----------------------------------------------------------------------------

    def action_period(self, kind: str) -> None:
        if kind in ("today", "week", "month"):
            self.kind = kind  # type: ignore[assignment]
            self.redraw_head()
            self.reload()

    def action_sort(self, key: str) -> None:
        if key not in _SORTS:
            return
        if key == self.sort_key:
            self.descending = not self.descending
        else:
            self.sort_key, self.descending = key, True
        self.show_rows()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return (self.table is not None and bool(self.table.rows)) or None
        return True

    def suggested_path(self) -> Path:
        period = self.period()
        name = f"tally-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
        return Path.home() / name

    def action_export(self) -> None:
        if self.table is None:
            return
        rows = self.rows()

        def chosen(choice: tuple[Path, bool] | None) -> None:
            if choice is not None:
                self.write(*choice, rows)

        self.app.push_screen(ExportScreen(self.suggested_path()), chosen)

    @work(thread=True, group="export-csv", exit_on_error=False)
    def write(self, path: Path, replace: bool, rows: list[TallyRow]) -> None:
        try:
            write_csv(path, rows, replace=replace)
        except OSError as error:
            self.post_message(ExportFailed(path, error.strerror or str(error)))
            return
        self.post_message(Exported(path, len(rows)))

    def on_exported(self, message: Exported) -> None:
        message.stop()
        self.notify(
            t("ratings.export.done", rows=message.rows, path=clean(str(message.path))),
            markup=False,
        )

    def on_export_failed(self, message: ExportFailed) -> None:
        message.stop()
        self.notify(
            t("ratings.export.failed", path=clean(str(message.path)), reason=clean(message.reason)),
            severity="error",
            markup=False,
        )

    def action_close(self) -> None:
        self.dismiss(None)
