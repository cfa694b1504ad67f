"""Grading a scenario: what the stored cases, escalations and tickets say the trainee did,
against what each scripted citizen expected. Read through the API with the trainer's account,
so the report is what the hall's records say, not what the screen believed."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from client.api import CentralClient
from client.case_models import Case
from client.escalation_models import Escalation
from client.models import Ticket
from counter.core.trainee_report import CaseResult, Missed, TraineeReport

if TYPE_CHECKING:
    from counter.demo.scenario import Citizen, Scenario


class Played(Protocol):
    """What grading reads of a scenario played at a window (counter.demo.training.Training,
    which imports this module): the scenario, its tickets in order, the trainee's key times."""

    @property
    def scenario(self) -> Scenario: ...

    @property
    def tickets(self) -> list[Ticket]: ...

    @property
    def key_times(self) -> list[datetime]: ...


def _case_misses(citizen: Citizen, case: Case) -> list[str]:
    expected = citizen.expected
    states = {e.material: e.state for e in case.checklist}
    missed: list[str] = []
    for material in expected.received:
        if states.get(material) != "received":
            missed.append(Missed("training.miss.not_marked", material=material))
    if case.decision == "notice":
        for material in expected.gaps:
            if states.get(material, "received") == "received":
                missed.append(Missed("training.miss.gap_not_listed", material=material))
    if case.decision == "tolerate":
        for material in expected.tolerated:
            if states.get(material) != "tolerated":
                missed.append(Missed("training.miss.not_tolerated", material=material))
        when, due = case.commitment_date, case.due_date
        if when is not None and due is not None and when > due:
            missed.append(Missed("training.miss.date_after_due", date=when, due=due))
    wanted = expected.refer_to
    if case.decision == "refuse" and wanted and wanted not in (case.refer_to or ""):
        missed.append(Missed("training.miss.refer_to", where=wanted))
    return missed


def _called_before(ticket: Ticket, earlier: list[Ticket]) -> list[Ticket]:
    """Tickets that waited before this one (issued earlier, same queue) but were called first."""
    if ticket.called_at is None:
        return []
    return [
        other
        for other in earlier
        if other.queue == ticket.queue
        and other.called_at is not None
        and other.called_at < ticket.called_at
    ]


def _keys(times: list[datetime], start: datetime | None, end: datetime | None) -> int:
    if start is None:
        return 0
    return sum(1 for when in times if when >= start and (end is None or when <= end))


async def grade(trainer: CentralClient, training: Played, trainee: str = "") -> TraineeReport:
    scenario = training.scenario
    ledger = await trainer.escalations(limit=500)
    escalations: dict[int, Escalation] = {
        e.ticket_id: e for e in ledger.items if e.ticket_id is not None
    }
    tickets = [await trainer.ticket(issued.id) for issued in training.tickets]
    results = []
    for index, (citizen, ticket) in enumerate(
        zip(scenario.citizens, tickets, strict=False), start=1
    ):
        cases = [
            c
            for c in await trainer.cases_for_applicant(citizen.lookup_id)
            if c.ticket_id == ticket.id
        ]
        case = max(cases, key=lambda c: c.created_at, default=None)
        escalation = escalations.get(ticket.id)
        taken = "escalate" if escalation is not None else case.decision if case else ""
        missed: list[str] = []
        if ticket.called_at is None:
            missed.append(Missed("training.miss.not_called"))
        if citizen.expected.called_first:
            for other in _called_before(ticket, tickets[: index - 1]):
                missed.append(Missed("training.miss.not_first", ticket=other.number))
        if case is not None and taken != "escalate":
            missed.extend(_case_misses(citizen, case))
        end: datetime | None = None
        if escalation is not None:
            end = escalation.registered_at
        elif case is not None:
            end = case.created_at
        if ticket.finished_at is not None:
            end = max(end, ticket.finished_at) if end is not None else ticket.finished_at
        seconds = (
            (end - ticket.called_at).total_seconds()
            if end is not None and ticket.called_at is not None
            else None
        )
        results.append(
            CaseResult(
                index=index,
                citizen=citizen.name,
                ticket_number=ticket.number,
                item=case.item_name if case is not None else citizen.item,
                expected=citizen.expected.decision,
                taken=taken,
                missed=missed,
                points=list(citizen.expected.points),
                seconds=seconds,
                keys=_keys(training.key_times, ticket.called_at, end),
            )
        )
    return TraineeReport(
        scenario=scenario.name,
        title=scenario.title_in(_lang()),
        cases=results,
        trainee=trainee,
    )


def _lang() -> str:
    from counter.core.i18n import current_language

    return current_language()
