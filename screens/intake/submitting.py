"""Step 4 of the intake, the decision, and sending the case: the due date previewed, the
decision checked, the request kept in the draft before it leaves (so its idempotency key
survives a crash), and the answer: the stored case's document, or one sentence why not."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.widgets import OptionList, Select

from client import errors
from client.catalog_models import CatalogItem
from counter.core.i18n import t, tn
from screens.context import host
from screens.errors import describe
from screens.intake import documents
from screens.intake.base import IntakeBase
from screens.intake.decision import DecisionStep
from screens.intake.document_step import DocumentStep
from screens.intake.messages import CaseStored, DuePreview, SubmitFailed
from screens.intake.state import (
    build_request,
    decision_problems,
    possible_decisions,
    submit_key,
    suggested,
    unchecked,
)
from screens.intake.step_keys import StepKeys
from screens.messages import ApiFailed
from screens.text import clean
from screens.type_ahead import let_keys_go

# A lost answer: the case may or may not be stored; look before sending again.
UNCERTAIN = (errors.Unreachable, errors.Timeout, errors.ServerError)


class DecidesAndSubmits(IntakeBase):
    def enter_decision(self, item: CatalogItem) -> None:
        possible = possible_decisions(item, self.state.marks)
        if self.state.decision not in possible:
            self.state.decision = suggested(item, self.state.marks) or possible[0]
        if self.state.delivery not in item.delivery:
            self.state.delivery = item.delivery[0] if item.delivery else "window"
        step = self.query_one(DecisionStep)
        step.offer(possible, self.state.decision)
        step.set_problems({})
        open_count = len(unchecked(item, self.state.marks))
        step.say(tn("intake.decide.unchecked", open_count) if open_count else "")
        self.show_decision()
        self.query_one("#decision-choice", OptionList).focus()
        if item.kind == "promised" and item.promised_days and self.due is None:
            self.preview_due(self.today(), item.promised_days)

    def show_decision(self) -> None:
        if self.item is not None:
            self.query_one(DecisionStep).show(self.state, self.item, self.due)

    def read_decision(self) -> None:
        values = self.query_one(DecisionStep).read(self.state)
        for name, value in values.items():
            setattr(self.state, name, value)

    @work(exclusive=True, group="intake-due", exit_on_error=False)
    async def preview_due(self, start: date, days: int) -> None:
        try:
            answer = await host(self.app).client.due_date(start, days)
        except errors.CentralError:
            return  # the server computes the real due date when it stores the case
        self.post_message(DuePreview(answer))

    def on_due_preview(self, message: DuePreview) -> None:
        self.due = message.answer
        if self.state.step == "decision":
            self.show_decision()

    @on(OptionList.OptionHighlighted, "#decision-choice")
    def decision_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        chosen = event.option.id
        if chosen in ("accept", "tolerate", "notice", "refuse") and chosen != self.state.decision:
            self.state.decision = chosen  # type: ignore[assignment]
            self.query_one(DecisionStep).set_problems({})
            self.show_decision()
            self.redraw()

    @on(OptionList.OptionSelected, "#decision-choice")
    def decision_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.submit()

    @on(Select.Changed, "#f-delivery")
    def delivery_changed(self, event: Select.Changed) -> None:
        if event.value in ("window", "post"):
            self.state.delivery = "post" if event.value == "post" else "window"
            self.show_decision()

    def submit(self) -> None:
        item = self.item
        if item is None or self.submitting or self.state.step != "decision":
            return
        self.read_decision()
        step = self.query_one(DecisionStep)
        due = self.due.due if self.due is not None else None
        problems = decision_problems(self.state, item, self.today(), due)
        step.set_problems(problems)
        if "notes" in problems:
            step.say(Text(t("intake.decide.flawed_note"), style="bold"))
        if problems:
            for name in ("delivery", "address", "commitment", "refuse_reason", "refer_to"):
                if name in problems:
                    self.query_one(f"#f-{name}").focus()
                    break
            return
        request = build_request(self.state, item)
        self.state.request = request
        self.save_draft()  # before sending: a crash now keeps the request (and so its key)
        self.busy(True)
        step.say(Text(t("intake.decide.sending"), style="italic"))
        self.refresh_bindings()
        self.send_case(request, submit_key(self.keeper.draft_id, request))

    @work(exclusive=True, group="intake-submit", exit_on_error=False)
    async def send_case(self, request: Any, key: str) -> None:
        try:
            case = await host(self.app).client.create_case(request, idempotency_key=key)
        except errors.CentralError as error:
            self.post_message(SubmitFailed(error))
            return
        self.post_message(CaseStored(case))

    def busy(self, submitting: bool) -> None:
        """A case on its way to the central: Enter and Esc wait for the answer."""
        self.submitting = submitting
        for step in self.query(StepKeys):
            step.busy = submitting
        self.refresh_bindings()

    def on_case_stored(self, message: CaseStored) -> None:
        self.busy(False)
        self.case = message.case
        text = documents.render(message.case, self.item, self.hall_name())
        self.query_one(DocumentStep).show(message.case, text)
        self.discard_draft(self.keeper.draft_id)
        self.notify(
            t(
                "intake.stored",
                case_no=clean(message.case.case_no),
                decision=t("intake.decision." + message.case.decision),
            ),
            markup=False,
        )
        self.go("document")
        let_keys_go(self)  # the keys typed behind the decision's Enter, to the receipt

    def on_submit_failed(self, message: SubmitFailed) -> None:
        self.busy(False)
        error = message.error
        step = self.query_one(DecisionStep)
        if isinstance(error, UNCERTAIN):
            text = t("intake.decide.offline")
        elif isinstance(error, errors.Invalid):
            said = "; ".join(f"{clean(k)}: {clean(v)}" for k, v in error.fields.items())
            text = describe(error, host(self.app).client.base_url) + (f" ({said})" if said else "")
        else:
            text = describe(error, host(self.app).client.base_url)
        if isinstance(error, errors.AuthExpired):
            self.app.post_message(ApiFailed(error, action="intake"))
        step.say(Text(text, style="bold"))
        self.save_draft()
        self.refresh_bindings()
        self.redraw()
        let_keys_go(self)  # still at the decision: the keys typed behind Enter go on here
