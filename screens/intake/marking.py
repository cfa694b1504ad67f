"""Step 3 of the intake, the material checklist: marks and notes as the checklist widget says
them, and the applicant's earlier notice for this item (looked up in a worker) to start from."""

from __future__ import annotations

from textual import on, work
from textual.widgets import DataTable

from client import errors
from counter.core.i18n import t
from screens.context import host
from screens.intake import documents
from screens.intake.base import IntakeBase
from screens.intake.checklist import ChecklistStep
from screens.intake.dialogs import DocumentScreen, NoteScreen
from screens.intake.messages import EarlierCases, MarkAll, MarkMaterial, NoteMaterial, ViewEarlier
from screens.intake.state import can_mark, earlier_from, last_notice, start_from_earlier


class MarksMaterials(IntakeBase):
    def look_up_earlier(self) -> None:
        lookup = self.state.applicant.lookup_id
        if lookup and lookup != self._looked_up:
            self._looked_up = lookup
            self.fetch_earlier(lookup)

    @work(exclusive=True, group="intake-earlier", exit_on_error=False)
    async def fetch_earlier(self, lookup: str) -> None:
        try:
            cases = await host(self.app).client.cases_for_applicant(lookup)
        except errors.CentralError:
            return  # the earlier notice helps but is not needed to take the case
        self.post_message(EarlierCases(lookup, cases))

    def on_earlier_cases(self, message: EarlierCases) -> None:
        item = self.item
        if item is None or message.lookup_id != self.state.applicant.lookup_id:
            return
        notice = last_notice(message.cases, item.code)
        if notice is None:
            return
        self.earlier_case = notice
        if self.state.earlier is None or self.state.earlier.case_no != notice.case_no:
            self.state.earlier = earlier_from(notice)
            if not self.state.marks:
                self.state.marks = start_from_earlier(item, self.state.earlier)
        self.query_one(ChecklistStep).has_earlier = True
        if self.state.step == "checklist":
            self.show_checklist()
        self.refresh_bindings()
        self.redraw()
        self.save_draft()

    def show_checklist(self) -> None:
        if self.item is not None:
            self.query_one(ChecklistStep).show(
                self.item, self.state.marks, self.state.notes, self.state.earlier
            )

    def on_mark_material(self, message: MarkMaterial) -> None:
        message.stop()
        state = message.state
        checklist = self.query_one(ChecklistStep)
        material = checklist.current()
        if material is None:
            return
        if not can_mark(material, state):
            self.notify(t("intake.checklist.not_tolerable"), severity="warning", markup=False)
            return
        self.state.marks[material.name] = state
        self.state.request = None
        self.show_checklist()
        if state == "flawed" and not self.state.notes.get(material.name):
            self.note()  # a notice must say what is wrong: ask now, move on after
        else:
            checklist.next_open(self.state.marks)
        self.redraw()
        self.save_draft()

    def on_mark_all(self, message: MarkAll) -> None:
        message.stop()
        if self.item is None:
            return
        self.state.marks = {m.name: "received" for m in self.item.materials}
        self.show_checklist()
        self.redraw()
        self.save_draft()

    def on_note_material(self, message: NoteMaterial) -> None:
        message.stop()
        self.note()

    def note(self) -> None:
        material = self.query_one(ChecklistStep).current()
        if material is None:
            return
        name = material.name

        def noted(note: str | None) -> None:
            if note is None:
                return
            if note:
                self.state.notes[name] = note
            else:
                self.state.notes.pop(name, None)
            self.show_checklist()
            if name in self.state.marks:
                self.query_one(ChecklistStep).next_open(self.state.marks)
            self.save_draft()

        self.app.push_screen(NoteScreen(name, self.state.notes.get(name, "")), noted)

    def on_view_earlier(self, message: ViewEarlier) -> None:
        message.stop()
        case = self.earlier_case
        if case is not None:
            text = documents.render(case, self.item, self.hall_name())
            self.app.push_screen(DocumentScreen(documents.title(case), text))

    @on(DataTable.RowSelected, "#materials")
    def materials_done(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.go("decision")

    @on(DataTable.RowHighlighted, "#materials")
    def material_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(ChecklistStep).show_detail(self.state.notes, self.state.earlier)
        self.refresh_bindings()
