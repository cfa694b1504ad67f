"""Steps 1 and 2 of the intake: choosing the item, then the applicant's form, checked as the
clerk types (a problem said once they leave a field they typed in) and on Enter."""

from __future__ import annotations

from textual import on
from textual.events import DescendantBlur
from textual.widgets import Checkbox, DataTable, Input, Select

from screens.intake.applicant import ApplicantStep
from screens.intake.base import IntakeBase
from screens.intake.messages import StepNext
from screens.intake.search import ItemSearch
from screens.intake.state import applicant_problems


class ItemAndApplicant(IntakeBase):
    def choose_item(self) -> None:
        if self.loaded is None:
            self.choosing_when_loaded = True  # catalog_loading.py takes it up
            return
        search = self.query_one(ItemSearch)
        item = search.highlighted()
        if item is None:
            return
        self.state.query = self.query_one("#item-query", Input).value
        if self.state.item_code != item.code:
            self.state.item_code = item.code
            self.state.item_name = item.name
            self.state.marks = {}
            self.state.notes = {}
            self.state.earlier = None
            self.state.decision = None
            self.state.request = None
            self.earlier_case = None
            self._looked_up = None
            self.due = None
        self.item = item
        self.go("applicant")

    @on(DataTable.RowSelected, "#item-results")
    def item_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.choose_item()

    # --- step 2: the applicant ----------------------------------------------------------------

    def applicant_done(self) -> None:
        step = self.query_one(ApplicantStep)
        form = step.read()
        self.state.applicant = form
        problems = applicant_problems(form, self.today(), self.min_age())
        step.set_problems(problems, reveal=set(problems))
        if problems:
            first = step.first_problem()
            if first is not None:
                step.focus_field(first)
            self.redraw()
            return
        self.go("checklist")

    @on(Input.Changed, "#step-applicant Input")
    def applicant_changed(self, event: Input.Changed) -> None:
        self._applicant_changed()

    @on(Select.Changed, "#step-applicant Select")
    @on(Checkbox.Changed, "#step-applicant Checkbox")
    def applicant_switched(self, event: Select.Changed | Checkbox.Changed) -> None:
        step = self.query_one(ApplicantStep)
        self.state.applicant = step.read()
        step.fit_to(self.state.applicant)
        self._applicant_changed()

    def _applicant_changed(self) -> None:
        step = self.query_one(ApplicantStep)
        if not step.is_mounted or self.state.step != "applicant":
            return
        self.state.applicant = step.read()
        step.set_problems(applicant_problems(self.state.applicant, self.today(), self.min_age()))
        self.redraw()

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        widget = event.widget
        if self.state.step == "applicant" and widget.id and widget.id.startswith("f-"):
            step = self.query_one(ApplicantStep)
            self.state.applicant = step.read()
            field = widget.id[2:]
            # Say what is wrong once the clerk leaves a field they typed in.
            typed = isinstance(widget, Input) and bool(widget.value.strip())
            step.set_problems(
                applicant_problems(self.state.applicant, self.today(), self.min_age()),
                reveal={field} if typed else None,
            )
        elif self.state.step == "decision":
            self.read_decision()
        self.save_draft()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "item-query":
            self.choose_item()
        elif self.state.step in ("applicant", "decision"):
            self.post_message(StepNext())
