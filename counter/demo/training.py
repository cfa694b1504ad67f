"""A scenario running in the demo hall: its citizens take their tickets, the intake shows what
each hands over, and at the end the trainee's work is graded (counter.demo.grading).

Everything goes through the API like any other client: the kiosk (kiosk01) issues the tickets in
the scenario's order; a returning citizen's earlier visits are one-time notices recorded by a
colleague (1002) before the trainee starts; keys pressed are counted by the App and attributed
to the case whose ticket was being served at the time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timezone

from client import errors
from client.api import CentralClient
from client.case_models import Applicant, CaseRequest, ChecklistEntry
from client.models import Ticket, TicketKind
from counter.core.demo_account import DemoAccount
from counter.core.desk import Desk
from counter.core.i18n import current_language, t
from counter.core.trainee_report import TraineeReport
from counter.demo.scenario import Citizen, Scenario

KIOSK = "kiosk01"
# Earlier visits of a returning citizen are recorded by this colleague.
COLLEAGUE = "1002"
# The report is read with the trainer's eyes: the demo supervisor.
TRAINER = "2001"


def applicant_of(citizen: Citizen) -> Applicant:
    if citizen.applicant == "enterprise":
        return Applicant(
            kind="enterprise",
            name=citizen.name,
            uscc=citizen.uscc,
            contact=citizen.contact,
            mobile=citizen.mobile,
        )
    return Applicant(
        kind="person",
        name=citizen.name,
        id_kind="resident_id",
        id_number=citizen.id_number,
        mobile=citizen.mobile,
    )


class Training:
    """One scenario in one demo hall; `start()` puts its citizens in line."""

    def __init__(
        self,
        scenario: Scenario,
        new_client: Callable[[], CentralClient],
        accounts: list[DemoAccount],
        *,
        window: int | None = None,
        colleague: str = COLLEAGUE,
    ) -> None:
        self.scenario = scenario
        self.new_client = new_client
        # In a classroom each trainee's citizens wait for the trainee's own window (the trainer
        # moves each ticket there), so neither colleagues nor other trainees call them.
        self.window = window
        self.colleague = colleague
        self.passwords = {a.staff_no: a.password for a in accounts}
        self.tickets: list[Ticket] = []  # in the scenario's order
        self.key_times: list[datetime] = []
        self.started = False

    async def _client(self, staff_no: str) -> CentralClient:
        client = self.new_client()
        await client.login(staff_no, self.passwords[staff_no])
        return client

    async def start(self) -> None:
        """Record earlier visits, then issue every citizen's ticket in order (once)."""
        if self.started:
            return
        self.started = True
        returning = [c for c in self.scenario.citizens if c.earlier_visits]
        if returning:
            colleague = await self._client(self.colleague)
            try:
                for citizen in returning:
                    await self._earlier_visits(colleague, citizen)
            finally:
                await colleague.aclose()
        kiosk = await self._client(KIOSK)
        trainer = await self._client(TRAINER) if self.window is not None else None
        try:
            for citizen in self.scenario.citizens:
                kind: TicketKind = "green" if citizen.kind == "green" else "walk_in"
                ticket = await kiosk.issue_ticket(citizen.queue, kind)
                if trainer is not None and self.window is not None:
                    # Called elsewhere in the instant between: the report shows it not handled.
                    with contextlib.suppress(errors.Conflict):
                        ticket = await trainer.move_ticket(ticket.id, window_no=self.window)
                self.tickets.append(ticket)
        finally:
            await kiosk.aclose()
            if trainer is not None:
                await trainer.aclose()

    async def restart(self) -> None:
        """The trainer's restart: the scenario's tickets still waiting are cancelled (a citizen
        at the window stays with the trainee), and its citizens take new tickets in order; the
        report then grades the new round only (cases are matched by ticket)."""
        await self.cancel_waiting()
        self.tickets = []
        self.key_times = []
        self.started = False
        await self.start()

    async def cancel_waiting(self) -> None:
        """The scenario's tickets still waiting are cancelled (called or done: left alone)."""
        trainer = await self._client(TRAINER)
        try:
            for ticket in self.tickets:
                with contextlib.suppress(errors.CentralError):
                    await trainer.cancel(ticket.id)
        finally:
            await trainer.aclose()

    async def _earlier_visits(self, colleague: CentralClient, citizen: Citizen) -> None:
        item = await colleague.catalog_item(citizen.item)
        checklist = [
            ChecklistEntry(material=m.name, state="missing", note="未提供")
            if m.required
            else ChecklistEntry(material=m.name, state="missing")
            for m in item.materials
        ]
        for _ in range(citizen.earlier_visits):
            request = CaseRequest(
                item_code=citizen.item,
                applicant=applicant_of(citizen),
                checklist=checklist,
                decision="notice",
            )
            await colleague.create_case(request)

    # --- what the App asks ----------------------------------------------------------------------

    def citizen_of(self, ticket_id: int | None) -> tuple[Citizen, Ticket] | None:
        for citizen, ticket in zip(self.scenario.citizens, self.tickets, strict=False):
            if ticket.id == ticket_id:
                return citizen, ticket
        return None

    def desk(self, ticket_id: int | None) -> Desk | None:
        found = self.citizen_of(ticket_id)
        if found is None:
            return None
        citizen, ticket = found
        english = current_language() == "en"
        says = citizen.says_en if english and citizen.says_en else citizen.says
        person = citizen.applicant == "person"
        return Desk(
            citizen=citizen.name,
            ticket_number=ticket.number,
            says=says,
            documents=citizen.documents,
            id_label=t("training.desk.id_card") if person else t("training.desk.licence"),
            id_number=citizen.id_number if person else citizen.uscc,
            mobile=citizen.mobile,
            contact=citizen.contact,
        )

    def key_pressed(self, when: datetime | None = None) -> None:
        self.key_times.append(when or datetime.now(timezone.utc))

    async def report(self, trainee: str = "") -> TraineeReport:
        from counter.demo.grading import grade

        trainer = await self._client(TRAINER)
        try:
            return await grade(trainer, self, trainee)
        finally:
            await trainer.aclose()
