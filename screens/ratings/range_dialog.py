"""Choose a range of days (自选): from and to, YYYY-MM-DD, at most a year."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from counter.core.i18n import t
from screens.keys import bindings, localized

MAX_DAYS = 366


def parse_range(start: str, end: str) -> tuple[date, date] | str:
    """The two days, or the i18n key of what is wrong."""
    try:
        first, last = date.fromisoformat(start.strip()), date.fromisoformat(end.strip())
    except ValueError:
        return "ratings.range.not_a_date"
    if last < first:
        return "ratings.range.backwards"
    if (last - first).days >= MAX_DAYS:
        return "ratings.range.too_long"
    return first, last


class RangeScreen(ModalScreen[tuple[date, date] | None]):
    CSS_PATH = "ratings_modal.tcss"
    BINDINGS = bindings("ratings_range")

    def __init__(self, start: date, end: date) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.start, self.end = start, end

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("ratings.range.title"), classes="dialog-title")
            yield Input(self.start.isoformat(), placeholder="YYYY-MM-DD", id="range-from")
            yield Input(self.end.isoformat(), placeholder="YYYY-MM-DD", id="range-to")
            yield Static("", id="range-error")
            yield Static(t("ratings.range.hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "range-from":
            self.query_one("#range-to", Input).focus()
            return
        answer = parse_range(
            self.query_one("#range-from", Input).value, self.query_one("#range-to", Input).value
        )
        if isinstance(answer, str):
            self.query_one("#range-error", Static).update(Text(t(answer), style="bold"))
            return
        self.dismiss(answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
