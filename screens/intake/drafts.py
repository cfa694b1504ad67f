"""The intake's local drafts: offered when the intake opens (a thread worker reads them),
resumed or taken over to this window's ticket, written on every step change and field blur (a
thread worker: the UI never waits on the disk), removed once the central has stored the case."""

from __future__ import annotations

from textual import work
from textual.widgets import Input

from counter.core import intake_draft
from counter.core.i18n import t
from screens.context import host
from screens.intake.applicant import ApplicantStep
from screens.intake.base import IntakeBase
from screens.intake.dialogs import DraftsScreen
from screens.intake.keeper import worth_keeping
from screens.intake.messages import DraftsFound
from screens.intake.state import restore


class KeepsDrafts(IntakeBase):
    @work(thread=True, exclusive=True, group="intake-drafts", exit_on_error=False)
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

    @work(thread=True, group="intake-draft-delete", exit_on_error=False)
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

    @work(thread=True, group="intake-draft", exit_on_error=False)
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
