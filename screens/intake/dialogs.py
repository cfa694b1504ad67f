"""The intake's small dialogs: a note on one material, an earlier document, the kept drafts."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from counter.core.i18n import t
from counter.core.intake_draft import Draft
from screens.keys import bindings, localized
from screens.text import clean, plain

NEW = "new"


class NoteScreen(ModalScreen[str | None]):
    """A note on one material (why missing, what is wrong): Enter keeps it, Esc drops it."""

    CSS_PATH = "intake.tcss"
    BINDINGS = bindings("intake_note")

    def __init__(self, material: str, note: str) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.material = material
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text.assemble(t("intake.note.title"), " ", plain(self.material)),
                classes="dialog-title",
            )
            yield Input(self.note, id="note", max_length=200, compact=True)
            yield Static(t("intake.note.hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class DocumentScreen(ModalScreen[None]):
    """A document shown as it would print (e.g. the applicant's earlier 一次性告知书)."""

    CSS_PATH = "intake.tcss"
    BINDINGS = bindings("intake_document")

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.heading = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog document-dialog"):
            yield Static(plain(self.heading), classes="dialog-title")
            with VerticalScroll(classes="document-scroll"):
                yield Static(
                    Text("\n".join(clean(line) for line in self.text.splitlines()), no_wrap=True),
                    classes="document",
                )
            yield Static(t("intake.document.close_hint"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


def draft_label(draft: Draft) -> Text:
    when = draft.saved_at.strftime("%m-%d %H:%M")
    parts = [Text(when, style="bold")]
    if draft.ticket_number:
        parts.append(plain(draft.ticket_number))
    parts.append(plain(draft.item_name) if draft.item_name else Text(t("intake.drafts.no_item")))
    if draft.applicant_name:
        parts.append(plain(draft.applicant_name))
    parts.append(Text(t("intake.step." + draft.step), style="dim"))
    return Text(" · ").join(parts)


class DraftsScreen(ModalScreen[tuple[str, str] | None]):
    """Unfinished intakes kept on this machine: continue one, discard one, or start anew.

    Answers ("resume", id), ("discard", id), ("new", "") or None (Esc: start anew)."""

    CSS_PATH = "intake.tcss"
    BINDINGS = bindings("intake_drafts")

    def __init__(self, drafts: list[Draft]) -> None:
        super().__init__()
        self.drafts = drafts
        self._bindings = localized(self._bindings)

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option(draft_label(d), id=d.id) for d in self.drafts]
        options.append(None)
        options.append(Option(Text(t("intake.drafts.new"), style="italic"), id=NEW))
        with Vertical(classes="dialog"):
            yield Static(t("intake.drafts.title", count=len(self.drafts)), classes="dialog-title")
            yield OptionList(*options, id="drafts")
            yield Static(t("intake.drafts.hint"), classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id or NEW
        self.dismiss(("new", "") if chosen == NEW else ("resume", chosen))

    def action_new(self) -> None:
        self.dismiss(("new", ""))

    def action_discard(self) -> None:
        options = self.query_one("#drafts", OptionList)
        index = options.highlighted
        if index is None:
            return
        chosen = options.get_option_at_index(index).id
        if chosen and chosen != NEW:
            self.dismiss(("discard", chosen))
