"""The intake (无差别综合受理): item → applicant → checklist → decision → receipt or notice.

Enter goes to the next step, Esc back one; Tab moves between fields. The state lives in one
IntakeState (screens/intake/state.py) and is kept as a local draft on every step change and
field blur, so a crash, a closed terminal or a dropped network loses nothing; the draft is
removed once the central API has stored the case. Network and disk work run in workers that
only post messages; the handlers here own the state.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.events import DescendantBlur
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    ContentSwitcher,
    DataTable,
    Footer,
    Input,
    OptionList,
    Select,
    Static,
)

from client import errors
from client.case_models import Case, DueDateAnswer, MaterialState
from client.catalog_models import CatalogItem
from client.hall_time import HALL_TZ
from client.models import Ticket
from client.validators import mask_id
from counter.core import catalog_cache, intake_draft
from counter.core.i18n import t
from screens.context import host
from screens.errors import describe
from screens.intake import documents
from screens.intake.applicant import ApplicantStep
from screens.intake.checklist import ChecklistStep
from screens.intake.decision import DecisionStep
from screens.intake.dialogs import DocumentScreen, DraftsScreen, NoteScreen
from screens.intake.messages import (
    CaseStored,
    CatalogFailed,
    CatalogReady,
    DocumentDone,
    DraftsFound,
    DuePreview,
    EarlierCases,
    IntakeEscalation,
    SubmitFailed,
)
from screens.intake.search import ItemSearch
from screens.intake.state import (
    STEPS,
    IntakeState,
    Step,
    applicant_problems,
    build_applicant,
    build_request,
    can_mark,
    decision_problems,
    earlier_from,
    last_notice,
    possible_decisions,
    restore,
    start_from_earlier,
    submit_key,
    suggested,
    unchecked,
)
from screens.keys import bindings, localized
from screens.messages import ApiFailed
from screens.text import clean, plain

# Keys that belong to one step only (check_action hides them elsewhere).
STEP_KEYS: dict[str, Step] = {
    "mark_received": "checklist",
    "mark_missing": "checklist",
    "mark_tolerated": "checklist",
    "mark_flawed": "checklist",
    "mark_all": "checklist",
    "note": "checklist",
    "view_earlier": "checklist",
    "print_document": "document",
    "save_document": "document",
}
# A lost answer: the case may or may not be stored; look before sending again.
UNCERTAIN = (errors.Unreachable, errors.Timeout, errors.ServerError)


def document_text(document: str) -> Text:
    """A document for the screen: literal text, line by line, no control characters."""
    return Text("\n".join(clean(line) for line in document.splitlines()), no_wrap=True)


def _one_line(text: Text) -> Text:
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


class IntakeScreen(Screen[Case | None]):
    CSS_PATH = "intake.tcss"
    HELP_TOPIC = "intake"
    BINDINGS: ClassVar[list[BindingType]] = bindings("intake")

    def __init__(
        self,
        ticket: Ticket | None = None,
        window_no: int | None = None,
        resume: intake_draft.Draft | None = None,
    ) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.state = IntakeState(
            ticket_id=ticket.id if ticket else None,
            ticket_number=ticket.number if ticket else None,
            window_no=window_no,
        )
        self.draft_id = uuid.uuid4().hex
        self._resume = resume
        self.loaded: catalog_cache.LoadedCatalog | None = None
        self.item: CatalogItem | None = None
        self.due: DueDateAnswer | None = None
        self.case: Case | None = None
        self.document = ""
        self.earlier_case: Case | None = None
        self._looked_up: str | None = None
        self._saves = 0
        self.submitting = False

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("", id="intake-head")
        yield Static("", id="intake-steps")
        with ContentSwitcher(initial="step-item", id="intake-body"):
            yield ItemSearch()
            yield ApplicantStep()
            yield ChecklistStep()
            yield DecisionStep()
            with VerticalScroll(id="step-document"):
                yield Static("", id="document")
        yield Static("", id="intake-open")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        known = catalog_cache.remembered(self.central)
        if known is not None:
            self._catalog(known)
        self.load_catalog(self.central)
        if self._resume is not None:
            self.resume(self._resume)
        else:
            self.find_drafts(self.staff_no, self.central)
        self.redraw()
        self.query_one("#item-query", Input).focus()

    @property
    def central(self) -> str:
        app = host(self.app)
        return app.config.central_url or app.client.base_url

    @property
    def staff_no(self) -> str:
        staff = host(self.app).session.staff
        return staff.staff_no if staff is not None else ""

    def min_age(self) -> int | None:
        return self.item.min_age if self.item is not None else None

    def today(self) -> date:
        return host(self.app).now().astimezone(HALL_TZ).date()

    # --- the catalog ------------------------------------------------------------------------

    @work(exclusive=True, group="intake-catalog")
    async def load_catalog(self, central: str) -> None:
        try:
            loaded = await catalog_cache.refresh(host(self.app).client, central)
        except errors.CentralError as error:
            self.post_message(CatalogFailed(error))
            return
        self.post_message(CatalogReady(loaded))

    def on_catalog_ready(self, message: CatalogReady) -> None:
        self._catalog(message.loaded)
        if message.loaded.stale:
            self.notify(t("intake.catalog.stale"), severity="warning", markup=False)

    def _catalog(self, loaded: catalog_cache.LoadedCatalog) -> None:
        self.loaded = loaded
        self.query_one(ItemSearch).set_index(loaded.index)
        if self.state.item_code and (self.item is None or self.item.code != self.state.item_code):
            self.item = loaded.catalog.item(self.state.item_code)
            if self.item is None:
                # The catalog changed under a draft: the item is gone, choose again.
                self.notify(
                    t("intake.catalog.item_gone", name=clean(self.state.item_name)),
                    severity="warning",
                    markup=False,
                )
                self.state.step = "item"
            self.go(self.state.step)

    def on_catalog_failed(self, message: CatalogFailed) -> None:
        text = t(
            "intake.catalog.failed", reason=describe(message.error, host(self.app).client.base_url)
        )
        self.query_one("#item-guide", Static).update(plain(text))
        if isinstance(message.error, errors.AuthExpired):
            self.app.post_message(ApiFailed(message.error, action="intake"))

    # --- drafts -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="intake-drafts")
    def find_drafts(self, staff_no: str, central: str) -> None:
        self.post_message(DraftsFound(intake_draft.pending(staff_no, central)))

    def on_drafts_found(self, message: DraftsFound) -> None:
        if not message.drafts or self.state.item_code or self.state.applicant.name:
            return
        drafts = {d.id: d for d in message.drafts}

        def chosen(answer: tuple[str, str] | None) -> None:
            what, draft_id = answer or ("new", "")
            if what == "resume" and draft_id in drafts:
                self.resume(drafts[draft_id])
            elif what == "discard" and draft_id in drafts:
                self.discard_draft(draft_id)
                rest = [d for d in message.drafts if d.id != draft_id]
                if rest:
                    self.post_message(DraftsFound(rest))

        self.app.push_screen(DraftsScreen(message.drafts), chosen)

    @work(thread=True, group="intake-draft-delete")
    def discard_draft(self, draft_id: str) -> None:
        intake_draft.delete(draft_id)

    def resume(self, draft: intake_draft.Draft) -> None:
        state = restore(draft.state)
        if state is None:
            self.notify(t("intake.drafts.unreadable"), severity="warning", markup=False)
            return
        self.draft_id = draft.id
        self.state = state
        self.query_one("#item-query", Input).value = state.query
        self.query_one(ApplicantStep).show(state.applicant)
        self.item = None
        if self.loaded is not None:
            self._catalog(self.loaded)
        else:
            self.redraw()

    def save_draft(self) -> None:
        """Keep the intake on this machine (thread worker: the UI never waits on the disk)."""
        if self.case is not None or not (self.state.item_code or self.state.applicant.name):
            return
        self._saves += 1
        draft = intake_draft.Draft(
            id=self.draft_id,
            staff_no=self.staff_no,
            central=self.central,
            saved_at=host(self.app).now(),
            step=self.state.step,
            item_name=self.state.item_name,
            applicant_name=self.state.applicant.name.strip(),
            ticket_number=self.state.ticket_number or "",
            state=self.state.model_dump(mode="json"),
        )
        self.write_draft(draft, self._saves)

    @work(thread=True, group="intake-draft")
    def write_draft(self, draft: intake_draft.Draft, sequence: int) -> None:
        try:
            intake_draft.save(draft, sequence)
        except OSError as error:
            self.app.call_from_thread(
                self.notify,
                t("intake.drafts.not_saved", reason=str(error.strerror or error)),
                severity="error",
                markup=False,
            )

    # --- moving between steps -----------------------------------------------------------------

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
            self.query_one("#document", Static).update(document_text(self.document))
            self.query_one("#step-document").focus()
        self.redraw()
        self.save_draft()

    def action_next(self) -> None:
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

    def action_back(self) -> None:
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        key = action
        if action == "mark" and parameters:
            key = f"mark_{parameters[0]}"
        wanted = STEP_KEYS.get(key)
        if wanted is not None and wanted != self.state.step:
            return False
        if action == "view_earlier" and self.earlier_case is None:
            return False
        if action == "mark" and parameters == ("tolerated",):
            material = self.query_one(ChecklistStep).current()
            if material is not None and not material.tolerable:
                return None
        if action in ("next", "back") and self.submitting:
            return None
        return True

    # --- step 1: the item ---------------------------------------------------------------------

    def choose_item(self) -> None:
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
            self.action_next()

    # --- step 3: the checklist ------------------------------------------------------------------

    def look_up_earlier(self) -> None:
        lookup = self.state.applicant.lookup_id
        if lookup and lookup != self._looked_up:
            self._looked_up = lookup
            self.fetch_earlier(lookup)

    @work(exclusive=True, group="intake-earlier")
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

    def action_mark(self, state: MaterialState) -> None:
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
            self.action_note()  # a notice must say what is wrong: ask now, move on after
        else:
            checklist.next_open(self.state.marks)
        self.redraw()
        self.save_draft()

    def action_mark_all(self) -> None:
        if self.item is None:
            return
        self.state.marks = {m.name: "received" for m in self.item.materials}
        self.show_checklist()
        self.redraw()
        self.save_draft()

    def action_note(self) -> None:
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

    def action_view_earlier(self) -> None:
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

    # --- step 4: the decision -----------------------------------------------------------------

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
        step.say(t("intake.decide.unchecked", count=open_count) if open_count else "")
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

    @work(exclusive=True, group="intake-due")
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
        self.submitting = True
        step.say(Text(t("intake.decide.sending"), style="italic"))
        self.refresh_bindings()
        self.send_case(request, submit_key(self.draft_id, request))

    @work(exclusive=True, group="intake-submit")
    async def send_case(self, request: Any, key: str) -> None:
        try:
            case = await host(self.app).client.create_case(request, idempotency_key=key)
        except errors.CentralError as error:
            self.post_message(SubmitFailed(error))
            return
        self.post_message(CaseStored(case))

    def on_case_stored(self, message: CaseStored) -> None:
        self.submitting = False
        self.case = message.case
        self.document = documents.render(message.case, self.item, self.hall_name())
        self.discard_draft(self.draft_id)
        self.notify(
            t(
                "intake.stored",
                case_no=clean(message.case.case_no),
                decision=t("intake.decision." + message.case.decision),
            ),
            markup=False,
        )
        self.go("document")

    def on_submit_failed(self, message: SubmitFailed) -> None:
        self.submitting = False
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

    # --- step 5: the document ----------------------------------------------------------------

    def hall_name(self) -> str:
        hall = host(self.app).session.hall
        return hall.name if hall is not None else ""

    def action_print_document(self) -> None:
        command = host(self.app).config.print_command
        if not command:
            self.notify(t("intake.document.no_printer"), severity="warning", markup=False)
            return
        self.print_it(command, self.document)

    @work(thread=True, exclusive=True, group="intake-print")
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
            self.save_it(self.document, name, host(self.app).now().astimezone(HALL_TZ))

    @work(thread=True, exclusive=True, group="intake-save")
    def save_it(self, text: str, name: str, when: datetime) -> None:
        from counter.core.printing import save_document

        try:
            path = save_document(text, name, when)
        except OSError as error:
            self.post_message(DocumentDone("save", False, str(error.strerror or error)))
            return
        self.post_message(DocumentDone("save", True, str(path)))

    def on_document_done(self, message: DocumentDone) -> None:
        key = f"intake.document.{message.what}_{'ok' if message.ok else 'failed'}"
        self.notify(
            t(key, detail=clean(message.detail)),
            severity="information" if message.ok else "error",
            markup=False,
        )

    # --- 办不成事 (escalation) ---------------------------------------------------------------

    def action_escalate(self) -> None:
        applicant = None
        if self.state.applicant.name.strip():
            try:
                applicant = build_applicant(self.state.applicant)
            except ValueError:
                applicant = None
        case = self.case
        self.post_message(
            IntakeEscalation(
                item_code=self.state.item_code,
                item_name=self.state.item_name,
                case_no=case.case_no if case is not None else None,
                ticket_id=self.state.ticket_id,
                ticket_number=self.state.ticket_number,
                window_no=self.state.window_no,
                applicant=applicant,
                summary=self.escalation_summary(),
            )
        )

    def escalation_summary(self) -> str:
        """A first line for the escalation's description, in the hall's language (Chinese)."""
        parts = []
        if self.state.item_name:
            parts.append(f"事项：{self.state.item_name}")
        if self.case is not None:
            parts.append(f"办件：{self.case.case_no}（{documents.TITLES[self.case.decision]}）")
        if self.item is not None:
            missing = [
                m.name
                for m in self.item.materials
                if self.state.marks.get(m.name) in ("missing", "flawed")
            ]
            if missing:
                parts.append("缺少/有误材料：" + "、".join(missing))
        return "；".join(parts)

    # --- view ---------------------------------------------------------------------------------

    def redraw(self) -> None:
        self.query_one("#intake-head", Static).update(self.head())
        self.query_one("#intake-steps", Static).update(self.steps_line())
        self.query_one("#intake-open", Static).update(self.open_line())
        self.refresh_bindings()

    def head(self) -> Text:
        parts: list[Text] = [Text(t("intake.title"), style="bold")]
        if self.state.ticket_number:
            parts.append(Text(t("intake.ticket", number=self.state.ticket_number)))
        else:
            parts.append(Text(t("intake.no_ticket"), style="dim"))
        if self.state.item_name:
            parts.append(plain(self.state.item_name))
        form = self.state.applicant
        if form.name.strip() and self.state.step not in ("item", "applicant"):
            number = form.id_number if form.kind == "person" else form.uscc
            parts.append(Text.assemble(plain(form.name.strip()), " ", plain(mask_id(number))))
        return _one_line(Text.assemble(" ", Text(" · ").join(parts)))

    def steps_line(self) -> Text:
        line = Text(" ")
        current = STEPS.index(self.state.step)
        for index, step in enumerate(STEPS):
            label = f" {index + 1} {t('intake.step.' + step)} "
            if index == current:
                line.append(label, style="bold reverse")
            else:
                line.append(label, style="" if index < current else "dim")
            if index < len(STEPS) - 1:
                line.append("›", style="dim")
        return line

    def open_line(self) -> Text:
        """Which decisions are still open, whatever the step."""
        step, item = self.state.step, self.item
        if step == "document" and self.case is not None:
            return _one_line(Text(" " + t("intake.open.stored", case_no=clean(self.case.case_no))))
        if item is None:
            return Text(" " + t("intake.open.item"))
        parts: list[Text] = []
        if step == "applicant":
            problems = applicant_problems(self.state.applicant, self.today(), self.min_age())
            if problems:
                names = [t(f"intake.applicant.{f}") for f in problems]
                parts.append(Text(t("intake.open.applicant", fields="、".join(names))))
        waiting = unchecked(item, self.state.marks)
        if waiting:
            parts.append(
                Text.assemble(
                    (t("intake.open.materials", count=len(waiting)), "bold"),
                    " ",
                    plain("、".join(m.name for m in waiting)),
                )
            )
        possible = possible_decisions(item, self.state.marks)
        parts.append(
            Text(
                t(
                    "intake.open.possible",
                    decisions=" / ".join(t("intake.decision." + d) for d in possible),
                )
            )
        )
        return _one_line(Text.assemble(" ", Text(" · ").join(parts)))
