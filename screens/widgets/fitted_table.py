"""A table whose columns size to the language and fill the width.

A column either fits the widest text it can show in this language (a state, a form, a time
limit: the full words, never a shortened one) or takes a share of the width left over (a
name, a note). The columns are laid out again when the table is resized, so a 120-column
terminal widens the names instead of leaving the right third empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.widgets import DataTable

PAD = 2  # a DataTable cell has one column of padding each side


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    fits: tuple[str, ...] = ()  # every text this column may show: it is as wide as the widest
    share: int = 0  # > 0: takes this share of the width left over after the fitted columns
    least: int = 6  # a share column is never narrower than this


def widths(cols: Sequence[Col], room: int) -> dict[str, int]:
    """Each column's width in cells for a table `room` cells wide (scrollbar excluded)."""
    fitted = {
        c.key: max([cell_len(c.label), *(cell_len(text) for text in c.fits)])
        for c in cols
        if not c.share
    }
    left = room - PAD * len(cols) - sum(fitted.values())
    sharing = [c for c in cols if c.share]
    total = sum(c.share for c in sharing) or 1
    shared = {c.key: max(c.least, left * c.share // total) for c in sharing}
    if sharing:  # what integer division left over goes to the first share column
        spare = left - sum(shared.values())
        if spare > 0:
            shared[sharing[0].key] += spare
    return {c.key: fitted.get(c.key, shared.get(c.key, 0)) for c in cols}


class FittedTable(DataTable[Any]):
    """A DataTable laid out from Cols; `refill` adds the rows again after a re-layout."""

    def __init__(self, refill: Callable[[], None], **options: Any) -> None:
        super().__init__(**options)
        self.cols: tuple[Col, ...] = ()
        self.refill = refill

    def set_cols(self, cols: Sequence[Col]) -> None:
        self.cols = tuple(cols)
        self.fit()

    def room(self) -> int:
        # Keep the vertical scrollbar's room whether it shows or not: a long list must not
        # push the last column out of sight.
        return self.size.width - self.styles.scrollbar_size_vertical

    def fit(self) -> None:
        """Lay the columns out for the current width; rows are added again when it changed."""
        if not self.cols:
            return
        wanted = widths(self.cols, max(self.room(), 0))
        have = {str(key.value): column.width for key, column in self.columns.items()}
        if have == wanted:
            return
        row = self.cursor_row
        self.clear(columns=True)
        for col in self.cols:
            self.add_column(col.label, key=col.key, width=wanted[col.key])
        self.refill()
        if self.row_count:
            self.move_cursor(row=max(0, min(row, self.row_count - 1)))

    def on_resize(self, event: events.Resize) -> None:
        self.fit()
