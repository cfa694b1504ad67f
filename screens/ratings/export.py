"""The staff tally table as CSV (UTF-8 with BOM, so a spreadsheet shows the Chinese right),
and the dialog asking where to write it. The file is written in a thread worker."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from client.rating_models import LEVELS, TallyRow
from counter.core.i18n import t
from screens.export_file import AskBeforeReplacing, open_mode
from screens.keys import bindings, localized
from screens.text import clean, plain

CSV_KEYS = ("staff", "name", "window", "served", "rated", "unrated", "defaults")
CSV_TAIL = (
    "bad",
    "satisfaction",
    "average",
    "pending",
    "upheld",
    "rectified",
    "overdue",
    "rectify",
)


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def table_csv(rows: Sequence[TallyRow]) -> str:
    """Header in the current language, one line per row; rates in percent, one decimal."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = [t(f"ratings.table.{key}") for key in CSV_KEYS]
    header += [f"{level} {t('ratings.level.' + str(level))}" for level in LEVELS]
    header += [t(f"ratings.csv.{key}") for key in CSV_TAIL]
    writer.writerow(header)
    for row in rows:
        f = row.figures
        writer.writerow(
            [
                clean(row.key),
                # A cell starting with = + - @ would run as a formula in a spreadsheet.
                "'" + clean(row.label) if clean(row.label)[:1] in "=+-@" else clean(row.label),
                "" if row.window_no is None else row.window_no,
                f.served,
                f.rated,
                f.unrated,
                f.defaults,
                *(f.levels.get(level, 0) for level in LEVELS),
                f.bad,
                _rate(f.satisfaction),
                "" if f.average is None else f"{f.average:.2f}",
                f.pending,
                f.upheld,
                f.rectified,
                f.overdue,
                _rate(f.rectify_rate),
            ]
        )
    return out.getvalue()


def write_csv(path: Path, rows: Sequence[TallyRow], *, replace: bool = False) -> None:
    """Raises FileExistsError when the file exists and `replace` (the clerk's yes) is not given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open(open_mode(replace), encoding="utf-8-sig", newline="") as handle:
        handle.write(table_csv(rows))


class ExportScreen(ModalScreen[tuple[Path, bool] | None]):
    """Where to write the CSV; answers (path, whether the clerk agreed to replace it)."""

    CSS_PATH = "ratings_modal.tcss"
    BINDINGS = bindings("ratings_export")

    def __init__(self, suggested: Path) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.suggested = suggested
        self.guard = AskBeforeReplacing("ratings.export.exists", "ratings.export.bad_path")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("ratings.export.title"), classes="dialog-title")
            yield Input(str(self.suggested), id="export-path")
            yield Static("", id="export-error")
            yield Static(t("ratings.export.hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        error = self.query_one("#export-error", Static)
        if not value:
            error.update(Text(t("ratings.export.no_path"), style="bold"))
            return
        problem = self.guard(value)  # a bad path, or a file that exists (asked once)
        if problem:
            error.update(plain(problem, "bold"))
            return
        path = Path(value).expanduser()
        self.dismiss((path, self.guard.replaces(path)))

    def action_cancel(self) -> None:
        self.dismiss(None)
