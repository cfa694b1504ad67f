"""Step 2: the applicant — a person or an enterprise — and an agent (代办人) when someone acts
for them. Each field says at the field what is wrong with it and why."""

from __future__ import annotations

from typing import Any, cast

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from client.hall_time import hall_date
from client.validators import ID_KIND_NAMES, IdKind
from counter.core.i18n import t
from screens.context import host
from screens.intake.state import ApplicantForm, Problems
from screens.intake.step_keys import StepKeys
from screens.keys import bindings
from screens.text import plain
from screens.widgets.tick_box import TickBox

# Input fields: id → (label key, max length)
INPUTS: dict[str, tuple[str, int]] = {
    "name": ("intake.applicant.name", 128),
    "id_number": ("intake.applicant.id_number", 32),
    "uscc": ("intake.applicant.uscc", 18),
    "contact": ("intake.applicant.contact", 64),
    "mobile": ("intake.applicant.mobile", 20),
    "agent_name": ("intake.applicant.agent_name", 64),
    "agent_id_number": ("intake.applicant.agent_id_number", 32),
    "agent_mobile": ("intake.applicant.agent_mobile", 20),
}
# Fields holding an ID number or credit code: kept in upper case as typed.
UPPER = ("f-id_number", "f-agent_id_number", "f-uscc")
PERSON_ONLY = ("id_kind", "id_number")
ENTERPRISE_ONLY = ("uscc", "contact")
AGENT_ONLY = ("agent_name", "agent_id_kind", "agent_id_number", "agent_mobile")
# The order fields are visited in (and the first wrong one is focused in).
ORDER = (
    "kind",
    "name",
    "id_kind",
    "id_number",
    "uscc",
    "contact",
    "mobile",
    "has_agent",
    "agent_name",
    "agent_id_kind",
    "agent_id_number",
    "agent_mobile",
)


def problem_text(field: str, problem: str) -> str:
    """Which field and why, in one short sentence."""
    return t(
        "intake.applicant.wrong", field=t(INPUTS[field][0]), why=t("intake.problem." + problem)
    )


def _id_kinds() -> list[tuple[str, IdKind]]:
    # In the clerk's language (the documents print the official Chinese names regardless).
    return [(t(f"intake.id_kind.{kind}"), kind) for kind in ID_KIND_NAMES]


class ApplicantStep(StepKeys, VerticalScroll):
    BINDINGS = bindings("intake.applicant")

    def __init__(self) -> None:
        super().__init__(id="step-applicant")
        self.own_keys()
        self.problems: Problems = {}
        self.shown: set[str] = set()  # fields whose problem is on screen (after blur / Enter)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter goes on from a typed field and from the agent box (Space ticks it: an Enter
        # meant to go on ticked it and opened four agent fields); on a list (Select) it is
        # the list's own: it opens the list, picks in it.
        if action == "next" and not isinstance(self.screen.focused, (Input, Checkbox)):
            return False
        return super().check_action(action, parameters)

    def _row(self, field: str, widget: Widget, label: str) -> ComposeResult:
        with Horizontal(classes="field-row", id=f"row-{field}"):
            yield Label(label, classes="field-label")
            yield widget
        yield Static("", classes="field-error", id=f"error-{field}")

    def compose(self) -> ComposeResult:
        kinds = [
            (t("intake.applicant.person"), "person"),
            (t("intake.applicant.enterprise"), "enterprise"),
        ]
        yield from self._row(
            "kind",
            Select(kinds, allow_blank=False, value="person", id="f-kind", compact=True),
            t("intake.applicant.kind"),
        )
        for field in ("name", "id_kind", "id_number", "uscc", "contact", "mobile"):
            yield from self._field(field)
        yield from self._row(
            "has_agent",
            TickBox(t("intake.applicant.agent_acts"), id="f-has_agent", compact=True),
            t("intake.applicant.agent"),
        )
        for field in ("agent_name", "agent_id_kind", "agent_id_number", "agent_mobile"):
            yield from self._field(field)

    def _facts_row(self) -> ComposeResult:
        yield Static("", classes="id-facts", id="id-facts")

    def _field(self, field: str) -> ComposeResult:
        if field.endswith("id_kind"):
            yield from self._row(
                field,
                Select(
                    _id_kinds(),
                    allow_blank=False,
                    value="resident_id",
                    id=f"f-{field}",
                    compact=True,
                ),
                t("intake.applicant." + field),
            )
            return
        label, length = INPUTS[field]
        yield from self._row(
            field, Input(id=f"f-{field}", max_length=length, compact=True), t(label)
        )
        if field == "id_number":
            yield from self._facts_row()

    # --- what the ID number says (birthplace, age) ------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in UPPER and event.value != event.value.upper():
            # A lowercase x is the same number: shown as on the card, in the head and documents.
            event.input.value = event.value.upper()
            return
        if event.input.id == "f-id_number":
            self.show_id_facts()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("f-id_kind", "f-kind"):
            self.show_id_facts()

    def show_id_facts(self) -> None:
        """Birthplace (county) and age from a resident ID, so the clerk can match card and
        person; an unknown region code is a warning beside them, never a refusal."""
        facts_line = self.query_one("#id-facts", Static)
        kind = cast("Select[Any]", self.query_one("#f-id_kind")).value
        person = cast("Select[Any]", self.query_one("#f-kind")).value == "person"
        facts = None
        if person and kind == "resident_id":
            from counter.core.resident_id import read_resident_id

            today = hall_date(host(self.app).now())
            facts = read_resident_id(self.query_one("#f-id_number", Input).value, today)
        facts_line.display = facts is not None
        facts_line.set_class(facts is not None and not facts.region_known, "-warning")
        if facts is None:
            facts_line.update("")
        elif facts.region_known:
            place = (facts.province or "") + (facts.county or "")
            facts_line.update(plain(t("id_facts.known", place=place, age=facts.age)))
        else:
            text = t("id_facts.unknown_region", code=facts.region_code, age=facts.age)
            facts_line.update(plain(text))

    # --- values in and out ----------------------------------------------------------------

    def show(self, form: ApplicantForm) -> None:
        for field in ORDER:
            widget = self.query_one(f"#f-{field}")
            value = getattr(form, field)
            if isinstance(widget, Input):
                widget.value = value
            elif isinstance(widget, Checkbox):
                widget.value = bool(value)
            else:
                cast("Select[Any]", widget).value = value
        self.fit_to(form)
        self.show_id_facts()

    def read(self) -> ApplicantForm:
        data: dict[str, Any] = {}
        for field in ORDER:
            widget = self.query_one(f"#f-{field}")
            if isinstance(widget, (Input, Checkbox)):
                data[field] = widget.value
            else:
                value = cast("Select[Any]", widget).value
                if value is not Select.NULL:
                    data[field] = value
        return ApplicantForm.model_validate(data)

    def fit_to(self, form: ApplicantForm) -> None:
        """Show the rows the kind of applicant needs; hide the rest."""
        person = form.kind == "person"
        for field in PERSON_ONLY:
            self._display(field, person)
        for field in ENTERPRISE_ONLY:
            self._display(field, not person)
        for field in AGENT_ONLY:
            self._display(field, form.has_agent)

    def _display(self, field: str, shown: bool) -> None:
        self.query_one(f"#row-{field}").display = shown
        error = self.query_one(f"#error-{field}", Static)
        error.display = shown and field in self.shown and field in self.problems

    # --- problems at the fields -----------------------------------------------------------------

    def set_problems(self, problems: Problems, reveal: set[str] | None = None) -> None:
        """New problems; `reveal` adds fields whose problem is now shown (blurred, or Enter)."""
        self.problems = problems
        if reveal:
            self.shown |= reveal
        self.shown &= set(problems) | (reveal or set())
        for field in INPUTS:
            error = self.query_one(f"#error-{field}", Static)
            visible = field in self.shown and field in problems
            error.update(problem_text(field, problems[field]) if visible else "")
            error.display = visible and self.query_one(f"#row-{field}").display
            self.query_one(f"#f-{field}").set_class(visible, "-invalid")

    def first_problem(self) -> str | None:
        for field in ORDER:
            if field in self.problems:
                return field
        return None

    def focus_field(self, field: str) -> None:
        """A wrong field, focused for the clerk: all of it selected, so typing replaces it
        (Tab and Shift+Tab select nothing: one Backspace must not wipe an ID number)."""
        widget = self.query_one(f"#f-{field}")
        widget.focus()
        if isinstance(widget, Input):
            widget.select_all()
