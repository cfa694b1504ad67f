"""The 办不成事 form: raise an escalation in seconds, prefilled with the ticket, case and item at
hand. Required fields are checked at the field (when it is left, and all at once on submit);
the answer shows the ledger number and the due date. Esc goes back; the screen dismisses with
the registered escalation (or None)."""

from __future__ import annotations

from typing import Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from client.errors import Invalid
from client.escalation_models import (
    ESCALATION_CATEGORIES,
    ESCALATION_CHANNELS,
    Escalation,
    EscalationRequest,
    Reporter,
    phone_problem,
)
from counter.core.i18n import t
from screens.context import host
from screens.escalation.common import (
    EscalationPrefill,
    category_text,
    channel_text,
)
from screens.escalation.messages import EscalationSaved
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.messages import ApiFailed
from screens.text import clean, plain
from screens.widgets.fitted_footer import FittedFooter
from screens.worker_errors import SaysWorkerErrors

# Field ids in visiting order; the server's field names map onto them.
FIELDS = ("kind", "name", "phone", "contact", "channel", "category", "description", "case", "item")
SERVER_FIELDS = {
    "reporter.name": "name",
    "reporter.phone": "phone",
    "reporter.contact_person": "contact",
    "channel": "channel",
    "category": "category",
    "description": "description",
    "case_no": "case",
    "item_code": "item",
}
# EscalationRequest.description's limit: the text area has no max_length, so it is said here
# (a longer text would fail to build the request at all).
DESCRIPTION_MAX = 2000


class EscalationForm(SaysWorkerErrors, Screen[Escalation | None]):
    CSS_PATH = "escalation.tcss"
    HELP_TOPIC = "escalation_form"
    BINDINGS = bindings("escalation_form")

    def __init__(self, prefill: EscalationPrefill | None = None) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.prefill = prefill or EscalationPrefill()
        self.busy = False
        self.done: Escalation | None = None
        self.touched: set[str] = set()
        self._as_opened: dict[str, str] = {}

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        p = self.prefill
        yield Static(t("escalation.form.title"), id="esc-title")
        yield Static(self.related_line(), id="esc-related")
        with VerticalScroll(id="esc-fields"):
            kinds = [
                (t("escalation.form.person"), "person"),
                (t("escalation.form.enterprise"), "enterprise"),
            ]
            yield from self._row(
                "kind",
                Select(kinds, allow_blank=False, value=p.reporter_kind, id="f-kind", compact=True),
            )
            yield from self._row("name", self._input("name", clean(p.reporter_name), 128))
            yield from self._row("phone", self._input("phone", clean(p.reporter_phone), 32))
            yield from self._row("contact", self._input("contact", clean(p.contact_person), 64))
            channels = [(channel_text(c), c) for c in ESCALATION_CHANNELS]
            yield from self._row(
                "channel",
                Select(channels, allow_blank=False, value="window", id="f-channel", compact=True),
            )
            categories = [(category_text(c), c) for c in ESCALATION_CATEGORIES]
            yield from self._row(
                "category",
                Select(
                    categories,
                    prompt=t("escalation.form.category_prompt"),
                    id="f-category",
                    compact=True,
                ),
            )
            area = TextArea(
                clean(p.description),
                id="f-description",
                compact=True,
                placeholder=t("escalation.form.description_hint"),
                highlight_cursor_line=False,
            )
            yield from self._row("description", area)
            yield from self._row("case", self._input("case", clean(p.case_no or ""), 40))
            yield from self._row("item", self._input("item", clean(p.item_code or ""), 40))
        yield Static("", id="esc-result")
        yield FittedFooter()

    def _input(self, field: str, value: str, length: int) -> Input:
        return Input(
            value,
            id=f"f-{field}",
            max_length=length,
            compact=True,
            placeholder=t(f"escalation.form.{field}_hint"),
        )

    def _row(self, field: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="esc-row", id=f"row-{field}"):
            yield Label(t(f"escalation.form.{field}"), classes="esc-label")
            yield widget
        yield Static("", classes="esc-error", id=f"error-{field}")

    def related_line(self) -> Text:
        p = self.prefill
        parts: list[Text] = []
        if p.ticket_number:
            parts.append(Text(t("escalation.form.ticket", number=clean(p.ticket_number))))
        if p.item_name:
            parts.append(plain(p.item_name))
        if not parts:
            return Text(t("escalation.form.no_ticket"), style="dim")
        return Text(" · ").join(parts)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False  # no animation while the clerk talks to the citizen
            field.select_on_focus = False  # back into a field: one Backspace must not wipe it
        self.query_one(TextArea).cursor_blink = False
        self.arrange_rows()
        first = "name" if not self.prefill.reporter_name else "phone"
        if self.prefill.reporter_name and self.prefill.reporter_phone:
            first = "category"
        self.query_one(f"#f-{first}").focus()
        self._as_opened = {field: self.value(field) for field in FIELDS}

    def unsaved(self) -> bool:
        """Typed or chosen something since it opened, and not registered yet (quitting asks)."""
        if self.done is not None or not self.is_mounted:
            return False
        return any(self.value(field) != self._as_opened.get(field) for field in FIELDS)

    def arrange_rows(self) -> None:
        enterprise = self.value("kind") == "enterprise"
        self.query_one("#row-contact").display = enterprise
        if not enterprise:
            self.show_error("contact", "")

    # --- values and checks at the field -----------------------------------------------------

    def value(self, field: str) -> str:
        widget = self.query_one(f"#f-{field}")
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        selected = cast("Select[Any]", widget).value
        return "" if selected is Select.NULL else str(selected)

    def problem(self, field: str) -> str:
        """What is wrong with one field ("" when nothing), in the clerk's language."""
        text = self.value(field).strip()
        if field in ("name", "phone", "description", "category") and not text:
            return t(f"escalation.form.{field}_required")
        if field == "phone" and phone_problem(text) is not None:
            return t("escalation.form.phone_invalid")
        if field == "description" and len(text) > DESCRIPTION_MAX:
            return t("escalation.form.description_too_long", limit=DESCRIPTION_MAX, count=len(text))
        return ""

    def show_error(self, field: str, message: str) -> None:
        error = self.query_one(f"#error-{field}", Static)
        error.update(plain(message))
        error.set_class(bool(message), "shown")

    def check(self, field: str) -> bool:
        message = self.problem(field)
        self.show_error(field, message)
        return not message

    @on(Input.Blurred)
    def _left_input(self, event: Input.Blurred) -> None:
        field = (event.input.id or "").removeprefix("f-")
        self.touched.add(field)
        self.check(field)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        field = (event.input.id or "").removeprefix("f-")
        if field in self.touched:
            self.check(field)  # once shown, a problem goes away as soon as it is fixed

    @on(TextArea.Changed)
    def _described(self) -> None:
        if "description" in self.touched:
            self.check("description")

    @on(Select.Changed)
    def _chose(self, event: Select.Changed) -> None:
        field = (event.select.id or "").removeprefix("f-")
        if field == "kind":
            self.arrange_rows()
        elif field == "category":
            self.check("category")

    def on_descendant_blur(self, event: Any) -> None:
        if getattr(event.widget, "id", None) == "f-description":
            self.touched.add("description")
            self.check("description")

    # --- submit -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return not self.busy and self.done is None
        return True

    def build(self) -> EscalationRequest:
        p = self.prefill
        enterprise = self.value("kind") == "enterprise"
        return EscalationRequest(
            reporter=Reporter(
                kind="enterprise" if enterprise else "person",
                name=self.value("name").strip(),
                phone=self.value("phone").strip(),
                contact_person=self.value("contact").strip() if enterprise else "",
            ),
            channel=cast("Any", self.value("channel")),
            category=cast("Any", self.value("category")),
            description=self.value("description").strip(),
            ticket_id=p.ticket_id,
            case_no=self.value("case").strip() or None,
            item_code=self.value("item").strip() or None,
        )

    def action_submit(self) -> None:
        if self.busy or self.done is not None:
            return
        wrong = [field for field in FIELDS if self.query_one(f"#row-{field}").display]
        wrong = [field for field in wrong if not self.check(field)]
        if wrong:
            self.touched.update(wrong)
            self.query_one(f"#f-{wrong[0]}").focus()
            return
        self.busy = True
        self.query_one("#esc-result", Static).update(Text(t("escalation.form.sending")))
        self.refresh_bindings()
        self.send(self.build())

    @work(exclusive=True, group="escalation-submit", exit_on_error=False)
    async def send(self, request: EscalationRequest) -> None:
        with reports_failure(self, "escalation_register"):
            made = await host(self.app).client.create_escalation(request)
            self.post_message(EscalationSaved(made))

    def on_escalation_saved(self, message: EscalationSaved) -> None:
        message.stop()
        self.busy = False
        made = self.done = message.escalation
        line = Text.assemble(
            (t("escalation.form.registered", no=made.no), "bold"),
            "  ",
            t(
                "escalation.form.due",
                date=made.due_date.isoformat(),
                category=category_text(made.category),
            ),
        )
        if made.due_guessed:
            line.append("  " + t("escalation.form.due_guessed"), style="bold")
        result = self.query_one("#esc-result", Static)
        result.update(line)
        result.add_class("done")
        for widget in self.query("#esc-fields Input, #esc-fields Select, #esc-fields TextArea"):
            widget.disabled = True
        self.refresh_bindings()

    def on_api_failed(self, message: ApiFailed) -> None:
        # The App gives the notice (the message bubbles on); here the fields say what is wrong.
        self.busy = False
        self.query_one("#esc-result", Static).update("")
        error = message.error
        if isinstance(error, Invalid):
            shown = False
            for name, why in error.fields.items():
                field = SERVER_FIELDS.get(name)
                if field is not None:
                    self.show_error(field, t("escalation.form.server_says", detail=clean(why)))
                    if not shown:
                        self.query_one(f"#f-{field}").focus()
                        shown = True
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A bug while sending: SaysWorkerErrors (this class's base; Textual calls both) gives
        # the notice. Here the form comes back with everything typed, so F10 can try again.
        if event.state == WorkerState.ERROR and event.worker.group == "escalation-submit":
            self.busy = False
            self.query_one("#esc-result", Static).update("")
            self.refresh_bindings()

    def action_back(self) -> None:
        if not self.unsaved():
            self.dismiss(self.done)
            return
        from screens.escalation.leave_form import LeaveFormScreen

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(self.done)

        self.app.push_screen(LeaveFormScreen(), answered)
