"""The intake (无差别综合受理): item → applicant → checklist → decision → receipt or notice.

The screen composes the five step widgets (search, applicant, checklist, decision,
document); each owns its keys (Enter on, Esc back, the checklist's marks, the document's
print and save) and says them as messages (screens/intake/messages.py), which the handlers
here turn into changes of the one IntakeState (screens/intake/state.py). A DraftKeeper
(keeper.py) keeps the intake as a local draft on every step change and field blur, so a
crash, a closed terminal or a dropped network loses nothing; the draft is removed once the
central API has stored the case. Network and disk work run in workers that only post
messages. The status lines are drawn by header.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import DescendantBlur
from textual.screen import Screen
from textual.widgets import (
    Checkbox,
    ContentSwitcher,
    DataTable,
    Input,
    OptionList,
    Select,
    Static,
)

from client import errors
from client.case_models import Case, DueDateAnswer
from client.catalog_models import CatalogItem
from client.hall_time import HALL_TZ
from client.models import Ticket
from counter.core import catalog_cache, intake_draft
from counter.core.i18n import t
from screens.context import host
from screens.errors import describe
from screens.intake import documents, header
from screens.intake.applicant import ApplicantStep
from screens.intake.checklist import ChecklistStep
from screens.intake.decision import DecisionStep
from screens.intake.desk import DeskPanel
from screens.intake.dialogs import DocumentScreen, DraftsScreen, NoteScreen
from screens.intake.document_step import DocumentStep
from screens.intake.keeper import DraftKeeper, worth_keeping
from screens.intake.messages import (
    CaseStored,
    CatalogFailed,
    CatalogReady,
    DraftsFound,
    DuePreview,
    EarlierCases,
    IntakeEscalation,
    MarkAll,
    MarkMaterial,
    NoteMaterial,
    StepBack,
    StepNext,
    SubmitFailed,
    ViewEarlier,
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
from screens.intake.step_keys import StepKeys
from screens.keys import bindings, localized
from screens.messages import ApiFailed
from screens.text import clean, plain
from screens.widgets.fitted_footer import FittedFooter

# A lost answer: the case may or may not be stored; look before sending again.
UNCERTAIN = (errors.Unreachable, errors.Timeout, errors.ServerError)


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
        self.keeper = DraftKeeper()
        # The ticket this intake is for: a draft made for another one is taken over, never
        # submitted against a ticket that is not at this window (issue 9 item 1).
        self.here_ticket: tuple[int | None, str] = (
            (ticket.id, ticket.number) if ticket else (None, "")
        )
        self._resume = resume
        self.loaded: catalog_cache.LoadedCatalog | None = None
        self.item: CatalogItem | None = None
        self.due: DueDateAnswer | None = None
        self.case: Case | None = None
        self.earlier_case: Case | None = None
        self._looked_up: str | None = None
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
            yield DocumentStep()
        yield DeskPanel()  # training only: what the scripted citizen hands over
        yield Static("", id="intake-open")
        yield FittedFooter()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False  # no animation: nothing redraws while the clerk listens
            # Shift+Tab back into a field puts the cursor at its end: selecting all of it let
            # one Backspace wipe a typed ID number.
            field.select_on_focus = False
        known = catalog_cache.remembered(self.central)
        if known is not None:
            self._catalog(known)
        self.load_catalog(self.central)
        if self._resume is not None:
            self.resume(self._resume)
        else:
            self.find_drafts(self.staff_no)
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

    @property
    def hall(self) -> str:
        hall = host(self.app).session.hall
        return hall.code if hall is not None else ""

    def belongs_here(self, draft: intake_draft.Draft) -> bool:
        return draft.belongs_to(self.central, self.hall, *self.here_ticket)

    @property
    def draft_id(self) -> str:
        return self.keeper.draft_id

    @property
    def document(self) -> str:
        """The document of the stored case, as printed ("" before the case is stored)."""
        return self.query_one(DocumentStep).text

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
    def find_drafts(self, staff_no: str) -> None:
        # Every central's: one kept at another address is offered with that said, not lost.
        self.post_message(DraftsFound(intake_draft.pending(staff_no)))

    def on_drafts_found(self, message: DraftsFound) -> None:
        if not message.drafts or self.state.item_code or self.state.applicant.name:
            return
        search = self.query_one("#item-query", Input)
        if search.value:
            # The clerk is already typing the search: the offer must not take those keys.
            self.notify(t("intake.drafts.offer_later", count=len(message.drafts)), markup=False)
            return
        drafts = {d.id: d for d in message.drafts}

        def chosen(answer: tuple[str, str] | None) -> None:
            what, draft_id = answer or ("new", "")
            if what == "type":
                # A key typed while the offer was shown starts a new intake's search with it.
                search.insert_text_at_cursor(draft_id)
            elif what == "resume" and draft_id in drafts:
                self.resume(drafts[draft_id])
            elif what == "discard" and draft_id in drafts:
                self.discard_draft(draft_id)
                rest = [d for d in message.drafts if d.id != draft_id]
                if rest:
                    self.post_message(DraftsFound(rest))

        elsewhere = {d.id for d in message.drafts if not self.belongs_here(d)}
        offer = DraftsScreen(message.drafts, elsewhere=elsewhere, here=self.here_ticket[1])
        self.app.push_screen(offer, chosen)

    @work(thread=True, group="intake-draft-delete")
    def discard_draft(self, draft_id: str) -> None:
        intake_draft.delete(draft_id)

    def resume(self, draft: intake_draft.Draft) -> None:
        state = restore(draft.state)
        if state is None:
            self.notify(t("intake.drafts.unreadable"), severity="warning", markup=False)
            return
        self.keeper.adopt(draft)
        if not self.belongs_here(draft):
            # Made for another ticket, hall or central: its data is taken over to this intake's
            # ticket (or to none); the old ticket is never shown or submitted against.
            state.ticket_id, state.ticket_number = self.here_ticket[0], self.here_ticket[1] or None
            state.window_no = self.state.window_no
            state.request = None
            state.earlier, state.looked_up = None, ""
            self.notify(
                t(
                    "intake.drafts.taken_over",
                    was=draft.ticket_number or t("intake.drafts.no_ticket"),
                    now=self.here_ticket[1] or t("intake.drafts.no_ticket"),
                ),
                markup=False,
            )
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
        if self.case is not None or not worth_keeping(self.state):
            return
        draft, sequence = self.keeper.next_save(
            self.state,
            staff_no=self.staff_no,
            central=self.central,
            now=host(self.app).now(),
            hall=self.hall,
        )
        self.write_draft(draft, sequence)

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
            self.query_one(DocumentStep).focus()
        self.redraw()
        self.save_draft()

    def on_step_next(self, message: StepNext) -> None:
        message.stop()
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
            self.post_message(StepNext())

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
        self.busy(True)
        step.say(Text(t("intake.decide.sending"), style="italic"))
        self.refresh_bindings()
        self.send_case(request, submit_key(self.keeper.draft_id, request))

    @work(exclusive=True, group="intake-submit")
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

    # --- step 5: the document ----------------------------------------------------------------

    def hall_name(self) -> str:
        hall = host(self.app).session.hall
        return hall.name if hall is not None else ""

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
                summary=documents.escalation_summary(self.state, self.item, self.case),
            )
        )

    # --- view ---------------------------------------------------------------------------------

    def redraw(self) -> None:
        self.query_one("#intake-head", Static).update(header.head(self.state))
        self.query_one("#intake-steps", Static).update(header.steps_line(self.state))
        self.query_one("#intake-open", Static).update(
            header.open_line(self.state, self.item, self.case, self.today())
        )
        desk = host(self.app).desk(self.state.ticket_id)
        self.query_one(DeskPanel).show_desk(desk, self.state.step != "document")
        self.refresh_bindings()
