"""The "documents on the desk" panel (training): who the scripted citizen is, what they say and
what they hand over, so the trainee marks the checklist from the papers, not from a guess.
Shown only in a training scenario, on every step before the document."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from counter.core.desk import Desk, DeskDocument
from counter.core.i18n import current_language, t
from screens.text import plain

# The forms a paper comes in (DeskDocument.form) → their catalog key; a form a scenario's author
# wrote otherwise is shown as written.
FORM_KEYS = {
    "原件": "original",
    "复印件": "copy",
    "原件+复印件": "original_and_copy",
    "电子": "electronic",
}


def form_words(form: str) -> str:
    key = FORM_KEYS.get(form)
    return t(f"intake.form.{key}") if key else form


def note_words(document: DeskDocument) -> str:
    if document.note_key:
        return t(f"training.desk.note.{document.note_key}", value=document.note_value)
    if document.note_en and current_language() == "en":
        return document.note_en
    return document.note


def desk_text(desk: Desk) -> Text:
    text = Text.assemble((t("training.desk.title", ticket=desk.ticket_number), "bold"))
    if desk.says:
        text.append("\n")
        text.append_text(plain(t("training.desk.says", citizen=desk.citizen, says=desk.says)))
    if desk.item:
        text.append("\n")
        text.append_text(plain(t("training.desk.asks", citizen=desk.citizen, item=desk.item)))
    facts = [f"{desk.id_label} {desk.id_number}"] if desk.id_number else []
    if desk.contact:
        facts.append(f"{t('training.desk.contact')} {desk.contact}")
    if desk.mobile:
        facts.append(f"{t('training.desk.mobile')} {desk.mobile}")
    if facts:
        text.append("\n")
        text.append_text(plain(" · ".join(facts)))
    # One wrapped line of papers (not one line each): the panel must leave the step room at 80×24.
    text.append("\n")
    text.append(t("training.desk.hands_over"), style="bold")
    for index, document in enumerate(desk.documents):
        key = "training.desk.document_note" if document.note else "training.desk.document"
        line = t(
            key,
            material=document.material,
            form=form_words(document.form),
            note=note_words(document),
        )
        if index:
            text.append(t("training.desk.separator"))
        text.append_text(plain(line, style="bold" if document.note else ""))
    if not desk.documents:
        text.append(t("training.desk.nothing"))
    return text


class DeskPanel(Static):
    DEFAULT_CSS = """
    DeskPanel {
        height: auto;
        max-height: 9;
        overflow-y: auto;
        padding: 0 1;
        border-top: solid $secondary;
        display: none;
    }
    DeskPanel.-shown {
        display: block;
    }
    """

    def __init__(self) -> None:
        super().__init__("", id="intake-desk")
        self.desk: Desk | None = None

    def show_desk(self, desk: Desk | None, visible: bool) -> None:
        if desk is not self.desk:
            self.desk = desk
            self.update(desk_text(desk) if desk is not None else "")
        self.set_class(desk is not None and visible, "-shown")
