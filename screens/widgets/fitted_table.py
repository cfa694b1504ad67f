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
    least: int = 6  # a share column is never narrower than this (nor than its heading)


def _need(col: Col) -> int:
    return max([cell_len(col.label), *(cell_len(text) for text in col.fits)])


def _least(col: Col) -> int:
    return max(col.least, cell_len(col.label))


def widths(cols: Sequence[Col], room: int) -> dict[str, int]:
    """Each column's width in cells for a table `room` cells wide (scrollbar excluded).

    Share columns split what the fitted ones leave; one that names its texts (`fits`) takes no
    more than its widest, and what it leaves goes to the others (a short department name lets
    the reporter's long one show whole)."""
    fitted = {c.key: _need(c) for c in cols if not c.share}
    left = room - PAD * len(cols) - sum(fitted.values())
    sharing = [c for c in cols if c.share]
    shared: dict[str, int] = {}
    active, budget = list(sharing), left
    while active:
        total = sum(c.share for c in active)
        given = {c.key: max(_least(c), budget * c.share // total) for c in active}
        capped = [c for c in active if c.fits and _need(c) <= given[c.key]]
        if not capped:
            shared.update(given)
            break
        for c in capped:
            shared[c.key] = max(_least(c), _need(c))
            budget -= shared[c.key]
            active.remove(c)
    if sharing:  # what division left over: the first column still open, else the last one
        spare = left - sum(shared.values())
        if spare > 0:
            shared[active[0].key if active else sharing[-1].key] += spare
    return {c.key: fitted.get(c.key, shared.get(c.key, 0)) for c in cols}


class FittedTable(DataTable[Any]):
    """A DataTable laid out from Cols; `refill` adds the rows again after a re-layout."""

    def __init__(self, refill: Callable[[], None], **options: Any) -> None:
        super().__init__(**options)
        self.cols: tuple[Col, ...] = ()
        self.refill = refill

    def set_cols(self, cols: Sequence[Col]) -> bool:
        """True when the columns were laid out anew (and the rows added again)."""
        self.cols = tuple(cols)
        return self.fit()

    def room(self) -> int:
        # Keep the vertical scrollbar's room whether it shows or not: a long list must not
        # push the last column out of sight.
        return self.size.width - self.styles.scrollbar_size_vertical

    def fit(self) -> bool:
        """Lay the columns out for the current width; rows are added again when it changed."""
        if not self.cols:
            return False
        wanted = widths(self.cols, max(self.room(), 0))
        have = {str(key.value): column.width for key, column in self.columns.items()}
        if have == wanted:
            return False
        row = self.cursor_row
        self.clear(columns=True)
        for col in self.cols:
            self.add_column(col.label, key=col.key, width=wanted[col.key])
        self.refill()
        if self.row_count:
            self.move_cursor(row=max(0, min(row, self.row_count - 1)))
        return True

    def on_resize(self, event: events.Resize) -> None:
        self.fit()
