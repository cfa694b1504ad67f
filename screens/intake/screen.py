"""The intake (无差别综合受理): item → applicant → checklist → decision → receipt or notice.

The screen composes the five step widgets (search, applicant, checklist, decision,
document); each owns its keys (Enter on, Esc back, the checklist's marks, the document's
print and save) and says them as messages (screens/intake/messages.py). The screen's parts,
one module each, turn them into changes of the one IntakeState (screens/intake/state.py):
catalog_loading.py, drafts.py, navigation.py (Enter / Esc between steps), item_applicant.py,
marking.py (the checklist) and submitting.py (the decision and the case); base.py holds what
they share. A DraftKeeper (keeper.py) keeps the intake as a local draft on every step change
and field blur, so a crash, a closed terminal or a dropped network loses nothing; the draft is
removed once the central API has stored the case. Network and disk work run in workers that
only post messages. The status lines are drawn by header.py.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import ContentSwitcher, Input, Static

from client.models import Ticket
from counter.core import catalog_cache, intake_draft
from screens.context import host
from screens.intake import documents, header
from screens.intake.applicant import ApplicantStep
from screens.intake.catalog_loading import LoadsCatalog
from screens.intake.checklist import ChecklistStep
from screens.intake.decision import DecisionStep
from screens.intake.desk import DeskPanel
from screens.intake.document_step import DocumentStep
from screens.intake.drafts import KeepsDrafts
from screens.intake.item_applicant import ItemAndApplicant
from screens.intake.keeper import DraftKeeper
from screens.intake.marking import MarksMaterials
from screens.intake.messages import IntakeEscalation
from screens.intake.navigation import MovesBetweenSteps
from screens.intake.search import ItemSearch
from screens.intake.state import IntakeState, build_applicant
from screens.intake.submitting import DecidesAndSubmits
from screens.keys import bindings, localized
from screens.widgets.fitted_footer import FittedFooter


class IntakeScreen(
    LoadsCatalog,
    KeepsDrafts,
    MovesBetweenSteps,
    ItemAndApplicant,
    MarksMaterials,
    DecidesAndSubmits,
):
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
        self.here_ticket = (ticket.id, ticket.number) if ticket else (None, "")
        self._resume = resume
        self.loaded = None
        self.item = None
        self.due = None
        self.case = None
        self.earlier_case = None
        self._looked_up = None
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
    def document(self) -> str:
        """The document of the stored case, as printed ("" before the case is stored)."""
        return self.query_one(DocumentStep).text

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
