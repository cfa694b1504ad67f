"""Moving between the intake's steps: Enter (StepNext) and Esc (StepBack) from whichever step
widget has the focus, and what showing each step needs (its data, its focus, a draft save)."""

from __future__ import annotations

from textual.widgets import ContentSwitcher, DataTable, Input

from counter.core.i18n import t
from screens.intake.applicant import ApplicantStep
from screens.intake.base import IntakeBase
from screens.intake.document_step import DocumentStep
from screens.intake.messages import StepBack, StepNext
from screens.intake.state import STEPS, Step
from screens.type_ahead import let_keys_go


class MovesBetweenSteps(IntakeBase):
    def go(self, step: Step) -> None:
        if step != "item" and self.item is None:
            step = "item"
        self.state.step = step
        self.query_one(ContentSwitcher).current = f"step-{step}"
        item = self.item
        if step == "item":
            self.query_one("#item-query", Input).focus()
        elif step == "applicant":
            self.query_one(ApplicantStep).show(self.state.applicant)
            self.query_one("#f-name", Input).focus()
        elif step == "checklist" and item is not None:
            self.look_up_earlier()
            self.show_checklist()
            self.query_one("#materials", DataTable).focus()
        elif step == "decision" and item is not None:
            self.enter_decision(item)
        elif step == "document":
            self.query_one(DocumentStep).focus()
        self.redraw()
        self.save_draft()

    def on_step_next(self, message: StepNext) -> None:
        message.stop()
        try:
            self.step_next()
        finally:
            # Else once the central has answered (submitting.py, catalog_loading.py).
            if not (self.submitting or self.choosing_when_loaded):
                let_keys_go(self)  # the keys typed behind Enter, to the field now focused

    def step_next(self) -> None:
        step = self.state.step
        if step == "item":
            self.choose_item()
        elif step == "applicant":
            self.applicant_done()
        elif step == "checklist":
            self.go("decision")
        elif step == "decision":
            self.submit()
        elif step == "document":
            self.dismiss(self.case)

    def on_step_back(self, message: StepBack) -> None:
        message.stop()
        try:
            self.step_back()
        finally:
            let_keys_go(self)

    def step_back(self) -> None:
        step = self.state.step
        if self.submitting:
            return
        if step == "document":
            self.dismiss(self.case)
        elif step == "item":
            if self.state.item_code or self.state.applicant.name:
                self.save_draft()
                self.notify(t("intake.drafts.kept"), markup=False)
            self.dismiss(None)
        else:
            if step == "applicant":
                self.state.applicant = self.query_one(ApplicantStep).read()
            if step == "decision":
                self.read_decision()
            self.go(STEPS[STEPS.index(step) - 1])
