"""The supervisor's step dialogs (assign, progress, resolve, callback, close, out of scope) and the
export path: one small modal form each, required fields checked at the field. Each dismisses
with the values by field name, or None on Esc."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from client.escalation_models import (
    ESCALATION_CATEGORIES,
    OUT_OF_SCOPE_REASONS,
    SATISFACTIONS,
    Escalation,
    phone_problem,
)
from client.models import Department
from counter.core.i18n import t
from screens.escalation.common import category_text, reason_text, satisfaction_text
from screens.export_file import AskBeforeReplacing
from screens.keys import bindings, localized
from screens.text import clean, plain

Values = dict[str, str]


@dataclass(frozen=True)
class DialogField:
    name: str
    label: str
    kind: Literal["input", "select"] = "input"
    options: Sequence[tuple[str | Text, str]] = ()  # Text for API names (str is markup)
    value: str = ""
    required: bool = True
    max_length: int = 200
    check: Callable[[str], str] | None = field(default=None, compare=False)


class EscalationDialog(ModalScreen[Values | None]):
    CSS_PATH = "escalation.tcss"
    BINDINGS = bindings("escalation_dialog")

    def __init__(self, title: str, fields: Sequence[DialogField], hint: str = "") -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.title_text = title
        self.fields = list(fields)
        self.hint = hint or t("escalation.dialog.hint")

    def compose(self) -> ComposeResult:
        with Vertical(classes="esc-dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            for spec in self.fields:
                with Horizontal(classes="esc-row"):
                    yield Label(spec.label, classes="esc-label")
                    if spec.kind == "select":
                        yield Select(
                            [(label, value) for label, value in spec.options],
                            allow_blank=not spec.value,
                            value=spec.value or Select.NULL,
                            prompt=t("escalation.dialog.choose"),
                            id=f"d-{spec.name}",
                            compact=True,
                        )
                    else:
                        yield Input(
                            spec.value,
                            id=f"d-{spec.name}",
                            max_length=spec.max_length,
                            compact=True,
                        )
                yield Static("", classes="esc-error", id=f"derror-{spec.name}")
            yield Static(self.hint, classes="dialog-hint")

    def on_mount(self) -> None:
        for widget in self.query(Input):
            widget.cursor_blink = False
        if self.fields:
            self.query_one(f"#d-{self.fields[0].name}").focus()

    def value(self, name: str) -> str:
        widget = self.query_one(f"#d-{name}")
        if isinstance(widget, Input):
            return widget.value.strip()
        selected = cast("Select[Any]", widget).value
        return "" if selected is Select.NULL else str(selected)

    def check(self, spec: DialogField) -> bool:
        text = self.value(spec.name)
        message = ""
        if spec.required and not text:
            message = t("escalation.dialog.required", field=spec.label)
        elif text and spec.check is not None:
            message = spec.check(text)
        error = self.query_one(f"#derror-{spec.name}", Static)
        error.update(plain(message))
        error.set_class(bool(message), "shown")
        return not message

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        name = (event.input.id or "").removeprefix("d-")
        for spec in self.fields:
            if spec.name == name:
                self.check(spec)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        wrong = [spec for spec in self.fields if not self.check(spec)]
        if wrong:
            self.query_one(f"#d-{wrong[0].name}").focus()
            return
        self.dismiss({spec.name: self.value(spec.name) for spec in self.fields})

    def action_cancel(self) -> None:
        self.dismiss(None)


def _phone_check(text: str) -> str:
    return t("escalation.form.phone_invalid") if phone_problem(text) else ""


def assign_dialog(escalation: Escalation, departments: Sequence[Department]) -> EscalationDialog:
    keep = [(t("escalation.dialog.keep_category"), "")]
    categories = keep + [(category_text(c), c) for c in ESCALATION_CATEGORIES]
    return EscalationDialog(
        t("escalation.dialog.assign_title", no=escalation.no),
        [
            DialogField(
                "department",
                t("escalation.dialog.department"),
                "select",
                [(plain(d.name), d.code) for d in departments],
                value=escalation.department or "",
            ),
            DialogField(
                "handler",
                t("escalation.dialog.handler"),
                value=clean(escalation.handler or ""),
                max_length=64,  # AssignRequest.handler: longer would fail before it is sent
            ),
            DialogField(
                "handler_phone",
                t("escalation.dialog.handler_phone"),
                value=clean(escalation.handler_phone or ""),
                required=False,
                max_length=32,
                check=_phone_check,
            ),
            DialogField(
                "category", t("escalation.dialog.category"), "select", categories, required=False
            ),
            DialogField("note", t("escalation.dialog.note"), required=False, max_length=500),
        ],
    )


def note_dialog(kind: str, escalation: Escalation) -> EscalationDialog:
    """progress (a note), resolve (the result) or close (an optional note)."""
    label = t(f"escalation.dialog.{kind}_label")
    return EscalationDialog(
        t(f"escalation.dialog.{kind}_title", no=escalation.no),
        [DialogField("text", label, required=kind != "close", max_length=1000)],
    )


def callback_dialog(escalation: Escalation) -> EscalationDialog:
    return EscalationDialog(
        t("escalation.dialog.callback_title", no=escalation.no),
        [
            DialogField(
                "satisfaction",
                t("escalation.dialog.satisfaction"),
                "select",
                [(satisfaction_text(s), s) for s in SATISFACTIONS],
            ),
            DialogField("note", t("escalation.dialog.note"), required=False, max_length=1000),
        ],
    )


def out_of_scope_dialog(escalation: Escalation) -> EscalationDialog:
    return EscalationDialog(
        t("escalation.dialog.scope_title", no=escalation.no),
        [
            DialogField(
                "reason",
                t("escalation.dialog.reason"),
                "select",
                [(reason_text(r), r) for r in OUT_OF_SCOPE_REASONS],
            ),
            DialogField("explanation", t("escalation.dialog.explanation"), max_length=1000),
            DialogField("channel", t("escalation.dialog.right_channel"), max_length=200),
        ],
        hint=t("escalation.dialog.scope_hint"),
    )


def export_dialog(default_path: str, guard: AskBeforeReplacing) -> EscalationDialog:
    """The export's path; `guard` asks before an existing file is replaced."""
    return EscalationDialog(
        t("escalation.export.title"),
        [
            DialogField(
                "path",
                t("escalation.export.path"),
                value=default_path,
                max_length=500,
                check=guard,
            )
        ],
        hint=t("escalation.export.hint"),
    )
