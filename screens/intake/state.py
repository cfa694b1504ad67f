"""The intake as data, without any UI: what the clerk entered, what it allows, what it sends.

Kept free of Textual so the rules are tested plainly and the whole state round-trips through
a local draft (counter/intake_draft.py) as JSON.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from client.case_models import (
    Agent,
    Applicant,
    ApplicantKind,
    Case,
    CaseRequest,
    ChecklistEntry,
    Decision,
    MaterialState,
)
from client.catalog_models import CatalogItem, Delivery, Material
from client.validators import (
    IdKind,
    IdProblem,
    age_on,
    check_mobile,
    check_other_id,
    check_resident_id,
    check_uscc,
    normalise_id,
)

Step = Literal["item", "applicant", "checklist", "decision", "document"]
STEPS: tuple[Step, ...] = ("item", "applicant", "checklist", "decision", "document")
DECISIONS: tuple[Decision, ...] = ("accept", "tolerate", "notice", "refuse")


class ApplicantForm(BaseModel):
    """The applicant's fields as typed (strings), checked by `applicant_problems`."""

    kind: ApplicantKind = "person"
    name: str = ""
    id_kind: IdKind = "resident_id"
    id_number: str = ""
    uscc: str = ""
    contact: str = ""
    mobile: str = ""
    has_agent: bool = False
    agent_name: str = ""
    agent_id_kind: IdKind = "resident_id"
    agent_id_number: str = ""
    agent_mobile: str = ""

    @property
    def lookup_id(self) -> str:
        """The number a returning applicant is found by (ID number or credit code)."""
        raw = self.id_number if self.kind == "person" else self.uscc
        return normalise_id(raw)


class Earlier(BaseModel):
    """The applicant's last one-time notice for this item: the checklist starts from it."""

    case_no: str
    created_at: str
    states: dict[str, MaterialState] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)


class IntakeState(BaseModel):
    step: Step = "item"
    ticket_id: int | None = None
    ticket_number: str | None = None
    window_no: int | None = None
    query: str = ""
    item_code: str | None = None
    item_name: str = ""
    applicant: ApplicantForm = Field(default_factory=ApplicantForm)
    marks: dict[str, MaterialState] = Field(default_factory=dict)
    notes: dict[str, str] = Field(default_factory=dict)
    earlier: Earlier | None = None
    looked_up: str = ""  # the ID number the earlier cases were looked up for
    decision: Decision | None = None
    delivery: Delivery = "window"
    address: str = ""
    commitment: str = ""  # as typed, YYYY-MM-DD
    refuse_reason: str = ""
    refer_to: str = ""
    # The request last sent: a retry of the same request sends the same Idempotency-Key
    # (submit_key), so an attempt whose answer was lost is answered, not taken twice.
    request: CaseRequest | None = None


# --- applicant ------------------------------------------------------------------------------

# Field id → reason code (an IdProblem, or "required").
Problems = dict[str, str]


def _id_problem(kind: IdKind, number: str, today: date) -> IdProblem | None:
    if kind == "resident_id":
        return check_resident_id(number, today)
    return check_other_id(kind, number)


def applicant_problems(form: ApplicantForm, today: date, min_age: int | None = None) -> Problems:
    """Every field that is wrong, with why; empty when the applicant can be sent.

    `min_age`: the item is only for people of that age or more (老年卡), read from the ID.
    """
    problems: Problems = {}
    if not form.name.strip():
        problems["name"] = "empty"
    if form.kind == "person":
        problem = _id_problem(form.id_kind, form.id_number, today)
        if problem:
            problems["id_number"] = problem
        elif min_age is not None and form.id_kind in ("resident_id", "hmt_residence_permit"):
            age = age_on(normalise_id(form.id_number), today)
            if age is not None and age < min_age:
                problems["id_number"] = "too_young"
        if form.mobile.strip():
            problem = check_mobile(form.mobile)
            if problem:
                problems["mobile"] = problem
        elif not form.has_agent:
            problems["mobile"] = "empty"
    else:
        problem = check_uscc(form.uscc)
        if problem:
            problems["uscc"] = problem
        if not form.contact.strip():
            problems["contact"] = "empty"
        problem = check_mobile(form.mobile)
        if problem:
            problems["mobile"] = problem
    if form.has_agent:
        if not form.agent_name.strip():
            problems["agent_name"] = "empty"
        problem = _id_problem(form.agent_id_kind, form.agent_id_number, today)
        if problem:
            problems["agent_id_number"] = problem
        problem = check_mobile(form.agent_mobile)
        if problem:
            problems["agent_mobile"] = problem
    return problems


def _mobile(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def build_applicant(form: ApplicantForm) -> Applicant:
    agent = None
    if form.has_agent:
        agent = Agent(
            name=form.agent_name.strip(),
            id_kind=form.agent_id_kind,
            id_number=normalise_id(form.agent_id_number),
            mobile=_mobile(form.agent_mobile),
        )
    if form.kind == "person":
        return Applicant(
            kind="person",
            name=form.name.strip(),
            id_kind=form.id_kind,
            id_number=normalise_id(form.id_number),
            mobile=_mobile(form.mobile),
            agent=agent,
        )
    return Applicant(
        kind="enterprise",
        name=form.name.strip(),
        uscc=normalise_id(form.uscc),
        contact=form.contact.strip(),
        mobile=_mobile(form.mobile),
        agent=agent,
    )


# --- checklist ------------------------------------------------------------------------------


def unchecked(item: CatalogItem, marks: dict[str, MaterialState]) -> list[Material]:
    """Materials the clerk has not decided on yet (the open decisions of the checklist)."""
    return [m for m in item.materials if m.name not in marks]


def can_mark(material: Material, state: MaterialState) -> bool:
    """容缺 only for a material the guide allows it for."""
    return state != "tolerated" or material.tolerable


def gaps(item: CatalogItem, marks: dict[str, MaterialState]) -> list[Material]:
    """Required materials not received (missing, flawed or 容缺): what stops a plain 受理."""
    return [m for m in item.materials if m.required and marks.get(m.name) != "received"]


def lacking(item: CatalogItem, marks: dict[str, MaterialState]) -> list[Material]:
    """What a one-time notice must list: every gap, and any material found flawed."""
    return [
        m
        for m in item.materials
        if marks.get(m.name) == "flawed" or (m.required and marks.get(m.name) != "received")
    ]


def possible_decisions(item: CatalogItem, marks: dict[str, MaterialState]) -> list[Decision]:
    """Which outcomes the checklist allows now (不予受理 always can be chosen).

    The same rules as the central API (行政许可法 §32): 受理 when nothing required is
    missing; 容缺受理 when every gap may be 容缺; otherwise a 一次性告知.
    """
    if unchecked(item, marks):
        return ["refuse"]
    missing = gaps(item, marks)
    if not missing:
        return ["accept", "refuse"]
    if all(m.tolerable for m in missing):
        return ["tolerate", "notice", "refuse"]
    return ["notice", "refuse"]


def suggested(item: CatalogItem, marks: dict[str, MaterialState]) -> Decision | None:
    possible = possible_decisions(item, marks)
    return possible[0] if possible != ["refuse"] else None


def start_from_earlier(item: CatalogItem, earlier: Earlier) -> dict[str, MaterialState]:
    """A returning applicant: what was received last time starts received; the rest is open."""
    names = {m.name for m in item.materials}
    return {
        name: "received"
        for name, state in earlier.states.items()
        if state == "received" and name in names
    }


def earlier_from(case: Case) -> Earlier:
    return Earlier(
        case_no=case.case_no,
        created_at=case.created_at.isoformat(),
        states={e.material: e.state for e in case.checklist},
        notes={e.material: e.note for e in case.checklist if e.note},
    )


def last_notice(cases: list[Case], item_code: str) -> Case | None:
    """The newest one-time notice of this item among the applicant's cases."""
    notices = [c for c in cases if c.decision == "notice" and c.item_code == item_code]
    return max(notices, key=lambda c: c.created_at, default=None)


# --- decision -------------------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    value = text.strip().replace("/", "-").replace(".", "-")
    if len(value) == 8 and value.isdigit():
        value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def decision_problems(
    state: IntakeState, item: CatalogItem, today: date, due: date | None
) -> Problems:
    """Field id → reason key for the decision step; empty when the case can be sent."""
    problems: Problems = {}
    decision = state.decision
    if decision is None or decision not in possible_decisions(item, state.marks):
        problems["decision"] = "decision"
        return problems
    if decision in ("accept", "tolerate"):
        if state.delivery not in item.delivery:
            problems["delivery"] = "delivery"
        if state.delivery == "post" and not state.address.strip():
            problems["address"] = "empty"
    if decision == "tolerate":
        when = parse_date(state.commitment)
        if not state.commitment.strip():
            problems["commitment"] = "empty"
        elif when is None:
            problems["commitment"] = "date_format"
        elif when < today:
            problems["commitment"] = "date_past"
        elif due is not None and when > due:
            problems["commitment"] = "date_after_due"
    if decision == "notice":
        flawed = [
            m.name
            for m in item.materials
            if state.marks.get(m.name) == "flawed" and not state.notes.get(m.name, "").strip()
        ]
        if flawed:
            problems["notes"] = "flawed_note"
    if decision == "refuse":
        if not state.refuse_reason.strip():
            problems["refuse_reason"] = "empty"
        if not state.refer_to.strip():
            problems["refer_to"] = "empty"
    return problems


NOT_PROVIDED = "未提供"


def checklist_entries(item: CatalogItem, state: IntakeState) -> list[ChecklistEntry]:
    """Every material of the item in the guide's order, as the decision records it.

    Unchecked materials count as missing. Under 容缺受理 every gap is 容缺; under a notice
    nothing is 容缺 (the case is not taken) and every listed gap carries its reason — a
    missing one without the clerk's note is simply "未提供" (not provided).
    """
    entries = []
    for m in item.materials:
        mark: MaterialState = state.marks.get(m.name, "missing")
        note = state.notes.get(m.name, "").strip()
        if state.decision == "tolerate" and m.required and mark != "received":
            mark = "tolerated"
        elif state.decision != "tolerate" and mark == "tolerated":
            mark = "missing"
        if state.decision == "notice" and not note and mark == "missing" and m.required:
            note = NOT_PROVIDED
        entries.append(ChecklistEntry(material=m.name, state=mark, note=note[:200]))
    return entries


def build_request(state: IntakeState, item: CatalogItem) -> CaseRequest:
    decision = state.decision
    if decision is None:
        raise ValueError("no decision")
    accepted = decision in ("accept", "tolerate")
    return CaseRequest(
        item_code=item.code,
        applicant=build_applicant(state.applicant),
        checklist=checklist_entries(item, state),
        decision=decision,
        ticket_id=state.ticket_id,
        window_no=state.window_no,
        delivery=state.delivery if accepted else "window",
        address=state.address.strip() or None if accepted and state.delivery == "post" else None,
        commitment_date=parse_date(state.commitment) if decision == "tolerate" else None,
        refuse_reason=state.refuse_reason.strip() or None if decision == "refuse" else None,
        refer_to=state.refer_to.strip() or None if decision == "refuse" else None,
    )


def submit_key(draft_id: str, request: CaseRequest) -> str:
    """The Idempotency-Key of a submission: the same draft sending the same request gets the
    same key (also after a restart, the draft being on disk); a changed request a new one."""
    digest = hashlib.sha256(f"{draft_id}\n{request.model_dump_json()}".encode()).hexdigest()
    return f"intake-{digest[:40]}"


def restore(data: dict[str, object]) -> IntakeState | None:
    """A state from a draft, or None when the draft is from an incompatible version."""
    try:
        return IntakeState.model_validate(data)
    except ValidationError:
        return None
