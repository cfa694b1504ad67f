"""Step 5: the document the applicant takes away (受理通知书, 一次性告知书 …): shown as
literal text; p prints it with the hall's print command, s saves it as a text file. The
printing and saving run in thread workers; this widget says how they went."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from client.case_models import Case
from client.hall_time import HALL_TZ
from counter.core.i18n import t
from screens.context import host
from screens.intake import documents
from screens.intake.messages import DocumentDone
from screens.intake.step_keys import StepKeys
from screens.keys import bindings
from screens.text import clean
from screens.worker_errors import SaysWorkerErrors


def document_text(document: str) -> Text:
    """A document for the screen: literal text, line by line, no control characters."""
    return Text("\n".join(clean(line) for line in document.splitlines()), no_wrap=True)


class DocumentStep(SaysWorkerErrors, StepKeys, VerticalScroll):
    BINDINGS = bindings("intake.document")

    def __init__(self) -> None:
        super().__init__(id="step-document")
        self.own_keys()
        self.case: Case | None = None
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Static("", id="document")

    def show(self, case: Case | None, text: str) -> None:
        self.case, self.text = case, text
        self.query_one("#document", Static).update(document_text(text))

    def action_print_document(self) -> None:
        command = host(self.app).config.print_command
        if not command:
            self.notify(t("intake.document.no_printer"), severity="warning", markup=False)
            return
        self.print_it(command, self.text)

    @work(thread=True, exclusive=True, group="intake-print", exit_on_error=False)
    def print_it(self, command: str, text: str) -> None:
        from counter.core.printing import PrintError, print_document

        try:
            print_document(command, text)
        except PrintError as error:
            self.post_message(DocumentDone("print", False, error.reason))
            return
        self.post_message(DocumentDone("print", True, ""))

    def action_save_document(self) -> None:
        if self.case is not None:
            name = f"{self.case.case_no}-{documents.title(self.case)}"
            self.save_it(self.text, name, host(self.app).now().astimezone(HALL_TZ))

    @work(thread=True, exclusive=True, group="intake-save", exit_on_error=False)
    def save_it(self, text: str, name: str, when: datetime) -> None:
        from counter.core.printing import save_document

        try:
            path = save_document(text, name, when)
        except OSError as error:
            self.post_message(DocumentDone("save", False, str(error.strerror or error)))
            return
        self.post_message(DocumentDone("save", True, str(path)))

    def on_document_done(self, message: DocumentDone) -> None:
        message.stop()
        key = f"intake.document.{message.what}_{'ok' if message.ok else 'failed'}"
        self.notify(
            t(key, detail=clean(message.detail)),
            severity="information" if message.ok else "error",
            markup=False,
        )
