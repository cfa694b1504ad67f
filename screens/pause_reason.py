"""Pausing a window asks why: 休息 / 培训 / 系统故障 / 其他 (the hall's tallies count them)."""

from __future__ import annotations

from typing import get_args

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from client.wire_words import PauseReason
from counter.core.i18n import t
from screens.keys import bindings, localized

REASONS: tuple[PauseReason, ...] = get_args(PauseReason)
NOTE_MAX = 200  # PauseRequest.note


class PauseReasonScreen(ModalScreen[PauseReason | None]):
    """Dismisses with the chosen reason, or None when the clerk thinks better of it (Esc)."""

    CSS_PATH = "modal.tcss"
    BINDINGS = bindings("pause_reason")

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)

    def compose(self) -> ComposeResult:
        options = [
            Option(f"{index}  {t('pause.reason.' + reason)}", id=reason)
            for index, reason in enumerate(REASONS, start=1)
        ]
        with Vertical(classes="dialog"):
            yield Static(t("pause.title"), classes="dialog-title")
            yield OptionList(*options, id="pause-reasons")
            yield Static(t("pause.hint"), classes="dialog-hint")

    def on_key(self, event: events.Key) -> None:
        # 1–4 pick a reason straight away, as on the option labels.
        if event.key.isdigit() and 1 <= int(event.key) <= len(REASONS):
            event.stop()
            self.dismiss(REASONS[int(event.key) - 1])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        reason = event.option.id
        self.dismiss(next((r for r in REASONS if r == reason), None))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PauseNoteScreen(ModalScreen[str | None]):
    """ "Other" as a pause reason: what, in a few words (the hall's tallies show it)."""

    CSS_PATH = "modal.tcss"
    BINDINGS = bindings("pause_reason")

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("pause.note_title"), classes="dialog-title")
            yield Input(max_length=NOTE_MAX, id="pause-note")
            yield Static("", id="pause-note-error")
            yield Static(t("pause.note_hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        note = event.value.strip()
        if not note:
            self.query_one("#pause-note-error", Static).update(t("pause.note_missing"))
            return
        self.dismiss(note)

    def action_cancel(self) -> None:
        self.dismiss(None)
