"""What a simulated colleague decides for a citizen at their window, through the real API: the
case (受理 / 容缺受理 / 一次性告知 / 不予受理) the rules require for the citizen's papers, now and
then a mistake, and for a citizen on their third trip for the same matter a "办不成事"
escalation instead of another notice. A citizen turned away goes home for the missing papers
and may come back: DeskWork keeps the notices given and schedules the returns in the hall's
simulated time (the kiosk lets them in again).

The choices are pure, from a seeded Random; the request bodies are built here, sent by the
colleague's own client.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol, TypeVar

from client.case_models import Applicant, CaseRequest, ChecklistEntry, Decision
from client.catalog_models import CatalogItem
from client.escalation_models import EscalationRequest, Reporter
from client.hall_time import HALL_TZ
from client.models import Ticket
from client.validators import resident_id_check_char
from counter.demo.citizens import Bag, complete_documents

if TYPE_CHECKING:
    from client.api import CentralClient
    from counter.demo.sim_hall import SimulatedHall

T = TypeVar("T")


class AtWindow(Protocol):
    """A simulated colleague at their window (counter.demo.simulator, which imports this
    module): its own Random and client, and its calls that log and survive an API error."""

    window: int
    rng: random.Random
    client: CentralClient

    async def call(self, what: Callable[[], Awaitable[T]]) -> T | None: ...


# A colleague errs now and then (the trainee's report is not the only place mistakes happen).
MISTAKE_P = 0.06
# A citizen turned away comes back with the papers this often, after this many minutes.
RETURN_P = 0.7
RETURN_AFTER_MIN = (10.0, 40.0)
# …and brings everything right this often (else the same flaw again).
FIXED_P = 0.6
# The visit that is one too many: two notices for the same matter, and they come a third time.
THIRD_VISIT = 3
THIRD_SAYS = "{item}，这已经是第三趟了，前两次都说材料不行，事情还是没办成。"
SECOND_SAYS = "上次说材料不全，这次补齐了再来。"
REFER_TO = "户籍所在地社区居委会（不符合年龄条件，可咨询其他优待政策）"


def decision_for(bag: Bag, rng: random.Random) -> str:
    """What the rules require for these papers (accept, tolerate, notice, refuse, escalate);
    with MISTAKE_P a wrong one: a flawed application taken, or a good one turned away."""
    if bag.visits >= THIRD_VISIT:
        return "escalate"
    right = {
        None: "accept",
        "wrong_check_digit": "accept",  # the clerk reads the card and corrects the number
        "missing_tolerable": "tolerate" if rng.random() < 0.7 else "notice",
        "too_young": "refuse",
    }.get(bag.flaw, "notice")
    if rng.random() < MISTAKE_P:
        return "notice" if right == "accept" else "accept"
    return right


def corrected_id(id_number: str) -> str:
    """The number as the card shows it (a wrong check digit was a typo on the form)."""
    if len(id_number) != 18:
        return id_number
    return id_number[:17] + resident_id_check_char(id_number[:17])


def checklist_for(item: CatalogItem, bag: Bag, decision: str) -> list[ChecklistEntry]:
    """The checklist a clerk marks for these papers, consistent with the decision taken."""
    handed = {doc.material: doc for doc in bag.documents}
    expired = any(doc.material == "居民身份证" and "有效期至" in doc.note for doc in bag.documents)
    id_material = next((m.name for m in item.materials if "身份证" in m.name), None)
    entries = []
    for material in item.materials:
        doc = handed.get(material.name)
        if not material.required:
            entries.append(ChecklistEntry(material=material.name, state="missing"))
        elif decision in ("accept", "refuse"):
            entries.append(ChecklistEntry(material=material.name, state="received"))
        elif doc is None:
            state = "tolerated" if decision == "tolerate" and material.tolerable else "missing"
            entries.append(ChecklistEntry(material=material.name, state=state, note="未提供"))
        elif doc.note:
            entries.append(ChecklistEntry(material=material.name, state="flawed", note=doc.note))
        elif expired and material.name == id_material:
            entries.append(
                ChecklistEntry(material=material.name, state="flawed", note="身份证已过期")
            )
        else:
            entries.append(ChecklistEntry(material=material.name, state="received"))
    if decision == "notice" and all(e.state in ("received", "missing") for e in entries):
        # Turned away for nothing (a mistake), or an expired card and no ID on the list: the
        # first required paper is the one the clerk objected to.
        for index, entry in enumerate(entries):
            if entry.state == "received":
                entries[index] = entry.model_copy(
                    update={"state": "flawed", "note": "复印件不清晰"}
                )
                break
    return entries


def case_for(
    item: CatalogItem, bag: Bag, decision: Decision, ticket_id: int, window: int, today: date
) -> CaseRequest:
    applicant = Applicant(
        kind="person", name=bag.name, id_kind="resident_id", id_number=corrected_id(bag.id_number)
    )
    extra: dict[str, object] = {}
    if decision == "tolerate":
        extra["commitment_date"] = today + timedelta(days=3)
    if decision == "refuse":
        extra["refuse_reason"] = "申请人不符合该事项的年龄条件"
        extra["refer_to"] = REFER_TO
    return CaseRequest(
        item_code=item.code,
        applicant=applicant,
        checklist=checklist_for(item, bag, decision),
        decision=decision,
        ticket_id=ticket_id,
        window_no=window,
        **extra,
    )


def escalation_for(bag: Bag, item: CatalogItem, ticket_id: int) -> EscalationRequest:
    return EscalationRequest(
        reporter=Reporter(kind="person", name=bag.name, phone=bag.mobile),
        category="difficult",
        description=f"{item.name}：群众第三次来办同一事项，前两次均一次性告知，事情仍未办成。",
        ticket_id=ticket_id,
        item_code=item.code,
    )


def next_visit(bag: Bag, item: CatalogItem, rng: random.Random, notices: int) -> Bag:
    """The same citizen coming back after `notices` notices for this matter: with every paper
    now (mostly), or the same gap again; after two, the third time, for an escalation."""
    visits = notices + 1
    if visits >= THIRD_VISIT:
        says = THIRD_SAYS.format(item=item.name)
        documents = complete_documents(item)
        return replace(
            bag, visits=visits, flaw=None, documents=documents, says=says, says_key="third",
            says_item=item.name,
        )  # fmt: skip
    if rng.random() < FIXED_P and bag.flaw != "too_young":
        documents = complete_documents(item)
        id_number = corrected_id(bag.id_number)
        return replace(
            bag, visits=visits, flaw=None, documents=documents, says=SECOND_SAYS,
            says_key="second", id_number=id_number,
        )  # fmt: skip
    return replace(bag, visits=visits, says=SECOND_SAYS, says_key="second")


class DeskWork:
    """The matters the simulated colleagues decide, and the citizens who come back."""

    def __init__(self, sim: SimulatedHall) -> None:
        self.sim = sim
        # Decided by a colleague (the rest, at a trainee's window, the judge looks up).
        self.decided: set[int] = set()
        self.notices: Counter[tuple[str, str]] = Counter()  # (ID, item) → notices given
        self.return_rng = random.Random(f"{sim.seed}:returns")
        self._returns: list[tuple[float, int, str, Bag]] = []  # (due, order, queue, bag)

    async def decide(self, colleague: AtWindow, ticket: Ticket, bag: Bag) -> None:
        """A colleague decides the citizen's matter through the API (a case, or an escalation
        for a third visit); a notice sends the citizen home, maybe to come back."""
        sim = self.sim
        item = sim.items.get(bag.item_code)
        if item is None:
            return
        decision = decision_for(bag, colleague.rng)
        client = colleague.client
        self.decided.add(ticket.id)
        if decision == "escalate":
            request = escalation_for(bag, item, ticket.id)
            if await colleague.call(lambda: client.create_escalation(request)) is not None:
                sim.stats.decisions[decision] += 1
            return
        today = sim.clock().astimezone(HALL_TZ).date()
        body = case_for(item, bag, decision, ticket.id, colleague.window, today)  # type: ignore[arg-type]
        if await colleague.call(lambda: client.create_case(body)) is None:
            return
        sim.stats.decisions[decision] += 1
        if decision == "notice":
            self.turned_away(ticket.queue, bag)

    def turned_away(self, queue: str, bag: Bag) -> None:
        """A one-time notice for this citizen's matter: they may come back with the papers."""
        key = (corrected_id(bag.id_number), bag.item_code)
        self.notices[key] += 1
        item = self.sim.items.get(bag.item_code)
        if item is None or self.return_rng.random() >= RETURN_P:
            return
        after = self.return_rng.uniform(*RETURN_AFTER_MIN) * 60
        back = next_visit(bag, item, self.return_rng, self.notices[key])
        self._returns.append((self.sim.elapsed_s() + after, len(self._returns), queue, back))
        self._returns.sort()

    def due_returns(self) -> list[tuple[str, Bag]]:
        """The citizens whose time to come back has come (queue, bag), in order."""
        now = self.sim.elapsed_s()
        due = [(queue, bag) for when, _, queue, bag in self._returns if when <= now]
        self._returns = [entry for entry in self._returns if entry[0] > now]
        return due
