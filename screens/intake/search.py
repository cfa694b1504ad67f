"""Step 1: find the item. One box over name, pinyin initials, full pinyin and code; the
results follow every keystroke, best first (client.catalog_search.CatalogIndex)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from client.catalog_models import CatalogItem
from client.catalog_search import CatalogIndex
from counter.core.i18n import t, tn
from screens.intake.step_keys import StepKeys
from screens.keys import bindings
from screens.text import plain
from screens.widgets.fitted_table import Col, FittedTable

LIMIT = 30


def item_time(item: CatalogItem) -> str:
    if item.kind == "instant":
        return t("intake.search.instant")
    return tn("intake.search.days", item.promised_days or 0)


def result_columns(codes: tuple[str, ...] = ()) -> list[Col]:
    """Code and time limit as wide as their longest text in this language; the rest to names."""
    limits = (t("intake.search.instant"), tn("intake.search.days", 99))
    return [
        Col("code", t("intake.search.col_code"), fits=codes or ("BDC-001",)),
        Col("name", t("intake.search.col_name"), share=2, least=16),
        Col("dept", t("intake.search.col_department"), share=1, least=8),
        Col("time", t("intake.search.col_time"), fits=limits),
    ]


def guide_line(item: CatalogItem) -> Text:
    """About the highlighted item, whole: name, department, time limit, materials, fee."""
    required = sum(1 for m in item.materials if m.required)
    tolerable = sum(1 for m in item.materials if m.tolerable)
    fee = plain(item.fee) if item.fee else Text(t("intake.search.free"))
    return Text.assemble(
        plain(item.code, "bold"),
        " ",
        plain(item.name, "bold"),
        " · ",
        plain(item.department_name),
        " · ",
        item_time(item),
        " · ",
        tn("intake.search.materials", len(item.materials), required=required),
        " · " if tolerable else "",
        t("intake.search.tolerable", count=tolerable) if tolerable else "",
        " · ",
        fee,
    )


class ItemSearch(StepKeys, Vertical):
    """The query box over the results table; up/down move through the results from the box."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings("intake.item"),
        # Moving in the results is the box's own business, not a key a hall rebinds.
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="step-item")
        self.own_keys()
        self.index: CatalogIndex | None = None
        self.results: list[CatalogItem] = []

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder=t("intake.search.placeholder"), id="item-query", max_length=64, compact=True
        )
        yield FittedTable(
            self.fill,
            id="item-results",
            cursor_type="row",
            show_cursor=True,
            zebra_stripes=False,
        )
        yield Static("", id="item-guide")

    def on_mount(self) -> None:
        self.query_one("#item-results", FittedTable).set_cols(result_columns())

    def set_index(self, index: CatalogIndex | None) -> None:
        self.index = index
        # Only the longest code matters to the column; measured once, not per keystroke.
        codes = [item.code for item in index.items] if index is not None else []
        longest = (max(codes, key=len),) if codes else ()
        self.query_one("#item-results", FittedTable).set_cols(result_columns(longest))
        self.search(self.query_one("#item-query", Input).value)

    def search(self, query: str) -> None:
        self.results = self.index.search(query, limit=LIMIT) if self.index is not None else []
        self.fill()
        self.show_guide()

    def fill(self) -> None:
        """The results as rows (again after the columns were laid out anew)."""
        table = self.query_one("#item-results", DataTable)
        table.clear()
        for item in self.results:
            table.add_row(
                plain(item.code),
                plain(item.name),
                plain(item.department_name),
                item_time(item),
                key=item.code,
            )

    def show_guide(self) -> None:
        guide = self.query_one("#item-guide", Static)
        item = self.highlighted()
        if item is not None:
            guide.update(guide_line(item))
        elif self.index is None:
            guide.update(t("intake.search.loading"))
        elif self.query_one("#item-query", Input).value.strip():
            guide.update(t("intake.search.nothing"))
        else:
            guide.update(t("intake.search.hint", count=len(self.index)))

    def highlighted(self) -> CatalogItem | None:
        table = self.query_one("#item-results", DataTable)
        if not self.results or table.cursor_row < 0 or table.cursor_row >= len(self.results):
            return None
        return self.results[table.cursor_row]

    def action_move(self, delta: int) -> None:
        table = self.query_one("#item-results", DataTable)
        if self.results:
            table.move_cursor(row=max(0, min(len(self.results) - 1, table.cursor_row + delta)))
            self.show_guide()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "item-query":
            self.search(event.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_guide()
