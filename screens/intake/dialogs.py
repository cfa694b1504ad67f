"""The intake's small dialogs: a note on one material, an earlier document, the kept drafts."""

from __future__ import annotations

from rich.text import Text
from textual import events
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


def draft_label(draft: Draft, elsewhere: bool = False, here: str = "") -> Text:
    when = draft.saved_at.strftime("%m-%d %H:%M")
    parts = [Text(when, style="bold")]
    if draft.ticket_number:
        parts.append(plain(draft.ticket_number))
    parts.append(plain(draft.item_name) if draft.item_name else Text(t("intake.drafts.no_item")))
    if draft.applicant_name:
        parts.append(plain(draft.applicant_name))
    parts.append(Text(t("intake.step." + draft.step), style="dim"))
    if elsewhere:
        where = here or t("intake.drafts.no_ticket")
        parts.append(Text(t("intake.drafts.elsewhere", now=where), style="bold"))
    return Text(" · ").join(parts)


class DiscardDraftScreen(ModalScreen[bool]):
    """Discarding a kept draft always asks: y or Enter discards, anything else keeps it."""

    CSS_PATH = "intake.tcss"

    def __init__(self, label: Text) -> None:
        super().__init__()
        self.label = label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("intake.drafts.discard_title"), classes="dialog-title")
            yield Static(self.label)
            yield Static(t("intake.drafts.discard_hint"), classes="dialog-hint")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        self.dismiss(event.key in ("y", "enter"))


class DraftsScreen(ModalScreen[tuple[str, str] | None]):
    """Unfinished intakes kept on this machine: continue one, discard one, or start anew.

    Answers ("resume", id), ("discard", id) (after asking), ("new", ""), ("type", character)
    (a printable key starts anew and is kept for the search) or None (Esc: start anew)."""

    CSS_PATH = "intake.tcss"
    BINDINGS = bindings("intake_drafts")

    def __init__(
        self, drafts: list[Draft], elsewhere: set[str] | None = None, here: str = ""
    ) -> None:
        super().__init__()
        self.drafts = drafts
        self.elsewhere = elsewhere or set()
        self.here = here
        self._bindings = localized(self._bindings)

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option(self.label(d), id=d.id) for d in self.drafts]
        options.append(None)
        options.append(Option(Text(t("intake.drafts.new"), style="italic"), id=NEW))
        with Vertical(classes="dialog"):
            yield Static(t("intake.drafts.title", count=len(self.drafts)), classes="dialog-title")
            yield OptionList(*options, id="drafts")
            yield Static(t("intake.drafts.hint"), classes="dialog-hint")

    def label(self, draft: Draft) -> Text:
        return draft_label(draft, draft.id in self.elsewhere, self.here)

    def on_key(self, event: events.Key) -> None:
        # The offer must not eat the search the clerk starts typing right after F5.
        if event.is_printable and event.character and event.character.strip():
            event.stop()
            event.prevent_default()
            self.dismiss(("type", event.character))

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
        if not chosen or chosen == NEW:
            return
        draft = next(d for d in self.drafts if d.id == chosen)

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(("discard", chosen))

        self.app.push_screen(DiscardDraftScreen(self.label(draft)), answered)
