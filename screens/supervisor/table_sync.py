"""Fill a DataTable so that a repaint writes only what changed.

The board is refreshed on every burst of hall events and once a minute; rebuilding whole
tables each time would redraw every row over a slow SSH link. When the rows are the same keys
in the same order, only cells whose text changed are updated; otherwise the table is rebuilt.
A filter (the `/` box) keeps rows whose text contains it, case-insensitively: the whole text
the central sent (`searched`), not the cells as drawn, where a narrow screen may have cut a
window's name or left it out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text
Row = tuple[str, Sequence[Cell]]  # row key, cells


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def matches(cells: Sequence[Cell], needle: str) -> bool:
    if not needle:
        return True
    needle = needle.casefold()
    return any(needle in _plain(c).casefold() for c in cells)


def sync(
    table: DataTable[Cell],
    rows: Sequence[Row],
    needle: str = "",
    searched: Mapping[str, Sequence[Cell]] | None = None,
) -> None:
    """`searched`: per row key, the full cells the filter matches (default: the row's own)."""
    full = searched or {}
    shown = [(key, cells) for key, cells in rows if matches(full.get(key, cells), needle)]
    keys = [key for key, _ in shown]
    current = [str(row_key.value) for row_key in table.rows]
    if keys == current:
        columns = list(table.columns)
        for key, cells in shown:
            for column, cell in zip(columns, cells, strict=False):
                old = table.get_cell(key, column)
                if _plain(old) != _plain(cell) or (
                    isinstance(old, Text) and isinstance(cell, Text) and old.style != cell.style
                ):
                    table.update_cell(key, column, cell, update_width=True)
        return
    selected = current[table.cursor_row] if 0 <= table.cursor_row < len(current) else None
    table.clear()
    for key, cells in shown:
        table.add_row(*cells, key=key)
    if selected in keys:
        table.move_cursor(row=keys.index(selected))
