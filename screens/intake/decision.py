"""Step 4: the decision — 受理 / 容缺受理 / 一次性告知 / 不予受理 — and what each needs:
delivery (window or free post to an address), the applicant's commitment date, or the reason
for a refusal and where to go instead. Only the outcomes the checklist allows are offered."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from client.case_models import Decision, DueDateAnswer
from client.catalog_models import CatalogItem, Material
from counter.core.i18n import t, tn
from screens.intake.state import IntakeState, Problems, lacking
from screens.intake.step_keys import StepKeys
from screens.keys import bindings
from screens.text import plain

FIELDS = ("delivery", "address", "commitment", "refuse_reason", "refer_to")
NEEDS: dict[str, tuple[str, ...]] = {
    "accept": ("delivery", "address"),
    "tolerate": ("delivery", "address", "commitment"),
    "notice": (),
    "refuse": ("refuse_reason", "refer_to"),
}


def decision_label(decision: Decision) -> Text:
    return Text.assemble(
        (t("intake.decision." + decision), "bold"), "  ", t(f"intake.decision.{decision}_hint")
    )


class DecisionStep(StepKeys, VerticalScroll):
    BINDINGS = bindings("intake.decision")

    def __init__(self) -> None:
        super().__init__(id="step-decision")
        self.own_keys()
        self.possible: list[Decision] = []

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Enter decides from the list of decisions and the typed fields; on the delivery
        # list it is the list's own: it opens it, picks in it.
        if action == "next" and isinstance(self.screen.focused, Select):
            return False
        return super().check_action(action, parameters)

    def _row(self, field: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="field-row", id=f"row-{field}"):
            yield Label(t("intake.decide." + field), classes="field-label")
            yield widget
        yield Static("", classes="field-error", id=f"error-{field}")

    def compose(self) -> ComposeResult:
        yield OptionList(id="decision-choice", compact=True)
        yield Static("", id="decision-summary")
        deliveries = [(t("intake.delivery.window"), "window"), (t("intake.delivery.post"), "post")]
        yield from self._row(
            "delivery",
            Select(deliveries, allow_blank=False, value="window", id="f-delivery", compact=True),
        )
        yield from self._row("address", Input(id="f-address", max_length=200, compact=True))
        yield from self._row(
            "commitment",
            Input(id="f-commitment", max_length=10, compact=True, placeholder="YYYY-MM-DD"),
        )
        yield from self._row(
            "refuse_reason", Input(id="f-refuse_reason", max_length=500, compact=True)
        )
        yield from self._row("refer_to", Input(id="f-refer_to", max_length=200, compact=True))
        yield Static("", id="decision-problem")

    def offer(self, possible: list[Decision], chosen: Decision | None) -> None:
        self.possible = possible
        choice = self.query_one("#decision-choice", OptionList)
        choice.clear_options()
        choice.add_options([Option(decision_label(d), id=d) for d in possible])
        choice.highlighted = possible.index(chosen) if chosen in possible else 0

    def show(self, state: IntakeState, item: CatalogItem, due: DueDateAnswer | None) -> None:
        decision = state.decision
        self.query_one("#f-delivery", Select).value = state.delivery
        for field in ("address", "commitment", "refuse_reason", "refer_to"):
            widget = self.query_one(f"#f-{field}", Input)
            value = getattr(state, field)
            if widget.value != value:
                widget.value = value
        needs = NEEDS.get(decision or "", ())
        for field in FIELDS:
            shown = field in needs
            if field == "address":
                shown = shown and state.delivery == "post"
            if field == "delivery":
                shown = shown and len(item.delivery) > 1
            self.query_one(f"#row-{field}").display = shown
            if not shown:
                self.query_one(f"#error-{field}").display = False
        summary = self.summary(state, item, due)
        box = self.query_one("#decision-summary", Static)
        box.update(summary)
        box.display = bool(summary.plain)

    def summary(self, state: IntakeState, item: CatalogItem, due: DueDateAnswer | None) -> Text:
        decision = state.decision
        lines: list[Text] = []
        if decision in ("accept", "tolerate"):
            if due is not None:
                line = Text(tn("intake.decide.due", due.working_days, date=due.due.isoformat()))
                if due.guessed:
                    line.append(" " + t("intake.decide.guessed"), style="bold")
                lines.append(line)
                if due.guessed:  # said before the clerk accepts, in words the applicant can hear
                    years = ", ".join(str(y) for y in due.guessed_years) or str(due.due.year)
                    lines.append(Text(t("intake.decide.guessed_why", years=years), style="bold"))
            elif item.kind == "instant":
                lines.append(Text(t("intake.decide.instant")))
            else:
                lines.append(Text(tn("intake.decide.due_unknown", item.promised_days or 0)))
        if decision == "tolerate":
            names = [m.name for m in item.materials if state.marks.get(m.name) == "tolerated"]
            lines.append(self._names(t("intake.decide.to_bring"), names))
        if decision == "notice":
            gone: list[Material] = lacking(item, state.marks)
            lines.append(
                self._names(tn("intake.decide.will_list", len(gone)), [m.name for m in gone])
            )
        return Text("\n").join(lines)

    @staticmethod
    def _names(head: str, names: list[str]) -> Text:
        return Text.assemble((head, "bold"), " ", plain(t("intake.open.separator").join(names)))

    def read(self, state: IntakeState) -> dict[str, Any]:
        values: dict[str, Any] = {
            field: self.query_one(f"#f-{field}", Input).value
            for field in ("address", "commitment", "refuse_reason", "refer_to")
        }
        delivery = self.query_one("#f-delivery", Select).value
        if delivery is not Select.NULL:
            values["delivery"] = delivery
        return values

    def set_problems(self, problems: Problems, shown: bool = True) -> None:
        for field in FIELDS:
            error = self.query_one(f"#error-{field}", Static)
            visible = shown and field in problems and self.query_one(f"#row-{field}").display
            error.update(
                t(
                    "intake.applicant.wrong",
                    field=t("intake.decide." + field),
                    why=t("intake.problem." + problems[field]),
                )
                if visible
                else ""
            )
            error.display = bool(visible)

    def say(self, text: str | Text) -> None:
        self.query_one("#decision-problem", Static).update(text)
