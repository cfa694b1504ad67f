"""The yardstick for start-up: a bare Textual app with Header, DataTable and Footer."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class BareApp(App[None]):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("queue", "waiting")
        table.add_row("BAREREADY", "0")


if __name__ == "__main__":
    BareApp().run()
