"""Leaving the escalation form with what was typed not registered: asked, never silent.

Esc on a form the clerk has typed into (a citizen's name, a long description) used to close it
and lose the text; now it asks. Enter or y leaves (the text is dropped), n or Esc goes back to
the form with everything kept.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from counter.core.i18n import t


class LeaveFormScreen(ModalScreen[bool]):
    """Dismisses with True (leave, dropping what was typed) or False (back to the form)."""

    CSS_PATH = "../modal.tcss"
    DEFAULT_CSS = """
    LeaveFormScreen { align: center middle; background: $background 60%; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("escalation.leave.title"), classes="dialog-title")
            yield Static(t("escalation.leave.hint"), classes="dialog-hint")

    def on_key(self, event: events.Key) -> None:
        if event.key in ("enter", "y"):
            event.stop()
            self.dismiss(True)
        elif event.key in ("n", "escape"):
            event.stop()
            self.dismiss(False)
