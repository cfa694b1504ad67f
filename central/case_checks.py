"""The rules an intake is checked against (行政许可法 §32), before anything is stored: the
applicant (ID numbers by GB 11643 / GB 32100, mobile, minimum age), the checklist against the
item's materials, whether the decision is the one the checklist allows, and the fields that
belong to one decision only. Every problem is collected, then refused at once (422), so the
clerk fixes them together. See central.cases for the four decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from central.calendar import DueDate
from central.errors import Invalid, require_text
from client.case_models import Agent, Applicant, CaseRequest, ChecklistEntry
from client.catalog_models import CatalogItem, Material
from client.validators import (
    ID_KIND_NAMES,
    PROBLEM_TEXT,
    IdKind,
    age_on,
    check_mobile,
    check_other_id,
    check_uscc,
    is_blank,
    normalise_id,
)

BLANK = "no visible characters"
# ID kinds whose number carries the holder's birth date, so min_age can be checked.
_DATED_ID_KINDS: frozenset[IdKind] = frozenset({"resident_id", "hmt_residence_permit"})
_DECISION_NAMES = {
    "accept": "受理",
    "tolerate": "容缺受理",
    "notice": "一次性告知",
    "refuse": "不予受理",
}


def check_request(
    item: CatalogItem, request: CaseRequest, due: DueDate, today: date
) -> tuple[Applicant, list[ChecklistEntry]]:
    """The applicant (ID numbers normalised) and the checklist to store; 422 naming every
    problem of the request at once."""
    problems = _Problems()
    applicant = _checked_applicant(problems, item, request.applicant, request.decision, today)
    lines = _checked_checklist(problems, item, request.checklist, request.decision)
    checklist = _check_decision(problems, lines, request) if lines is not None else []
    _check_fields(problems, item, request, due, today)
    problems.raise_if_any()
    return applicant, checklist


@dataclass
class _Problems:
    """Every problem of a request at once (field → message), so the clerk fixes them together."""

    fields: dict[str, str] = field(default_factory=dict)
    sentences: list[str] = field(default_factory=list)

    def add(self, name: str, sentence: str, short: str | None = None) -> None:
        if name not in self.fields:
            self.fields[name] = short or sentence
            self.sentences.append(sentence)

    def raise_if_any(self) -> None:
        if not self.sentences:
            return
        message = self.sentences[0]
        if len(self.sentences) > 1:
            message += f" ({len(self.sentences) - 1} more: see the fields.)"
        raise Invalid(
            message,
            fields=self.fields,
            reason="check_marked_fields",
            params={"count": len(self.sentences)},
        )


# --- the applicant ------------------------------------------------------------------------


def _check_id(problems: _Problems, where: str, who: str, kind: IdKind, number: str) -> str:
    normalised = normalise_id(number)
    problem = check_other_id(kind, normalised)
    if problem is not None:
        problems.add(
            f"{where}.id_number",
            f"The {who}'s {ID_KIND_NAMES[kind]} number is not valid: {PROBLEM_TEXT[problem]}",
            PROBLEM_TEXT[problem],
        )
    return normalised


def _check_mobile(problems: _Problems, where: str, who: str, mobile: str) -> str:
    if not mobile.strip():
        return ""
    problem = check_mobile(mobile)
    if problem is not None:
        problems.add(
            f"{where}.mobile",
            f"The {who}'s mobile number is not valid: {PROBLEM_TEXT[problem]}",
            PROBLEM_TEXT[problem],
        )
    return "".join(mobile.split())


def _checked_applicant(
    problems: _Problems, item: CatalogItem, applicant: Applicant, decision: str, today: date
) -> Applicant:
    """The applicant with ID numbers normalised; problems collected, not raised."""
    a = applicant.model_copy(deep=True)
    # Zero-width or control characters alone would store a name that prints as nothing.
    if is_blank(a.name):
        problems.add("applicant.name", "The applicant's name has no visible characters.", BLANK)
    if a.agent is not None and is_blank(a.agent.name):
        problems.add("applicant.agent.name", "The agent's name has no visible characters.", BLANK)
    if a.kind == "person":
        # A person without an ID kind has shown the usual document, the 居民身份证.
        a.id_kind = a.id_kind or "resident_id"
        if not a.id_number or not a.id_number.strip():
            problems.add("applicant.id_number", "A person applying needs an ID number.", "required")
        else:
            a.id_number = _check_id(problems, "applicant", "applicant", a.id_kind, a.id_number)
        if a.uscc:
            problems.add(
                "applicant.uscc",
                "A person has no credit code; choose the enterprise kind for an enterprise.",
                "only for an enterprise",
            )
    else:
        if not a.uscc or not a.uscc.strip():
            problems.add(
                "applicant.uscc",
                "An enterprise applying needs its 统一社会信用代码.",
                "required",
            )
        else:
            a.uscc = normalise_id(a.uscc)
            problem = check_uscc(a.uscc)
            if problem is not None:
                problems.add(
                    "applicant.uscc",
                    f"The 统一社会信用代码 is not valid: {PROBLEM_TEXT[problem]}",
                    PROBLEM_TEXT[problem],
                )
        if a.id_kind is not None or a.id_number:
            problems.add(
                "applicant.id_number",
                "An enterprise is identified by its credit code; "
                "enter the person who came as the agent.",
                "only for a person",
            )
    a.mobile = _check_mobile(problems, "applicant", "applicant", a.mobile)
    if a.agent is not None:
        a.agent = _checked_agent(problems, a.agent)
    if item.min_age is not None and decision != "refuse":
        _check_age(problems, item, a, today)
    return a


def _checked_agent(problems: _Problems, agent: Agent) -> Agent:
    agent = agent.model_copy()
    agent.id_number = _check_id(
        problems, "applicant.agent", "agent", agent.id_kind, agent.id_number
    )
    agent.mobile = _check_mobile(problems, "applicant.agent", "agent", agent.mobile)
    return agent


def _check_age(problems: _Problems, item: CatalogItem, a: Applicant, today: date) -> None:
    """min_age from the birth date in the ID number; other documents are checked by eye."""
    if a.kind == "enterprise":
        problems.add(
            "applicant.kind",
            f"{item.name} is for persons aged {item.min_age} or more, not for an enterprise.",
            f"a person aged {item.min_age}+",
        )
        return
    if (
        a.id_kind not in _DATED_ID_KINDS
        or not a.id_number
        or "applicant.id_number" in (problems.fields)
    ):
        return
    age = age_on(a.id_number, today)
    if age is not None and item.min_age is not None and age < item.min_age:
        problems.add(
            "applicant.id_number",
            f"{item.name} is for applicants aged {item.min_age} or more; "
            f"by the ID number the applicant is {age}.",
            f"younger than {item.min_age}",
        )


# --- the checklist and the decision -------------------------------------------------------

# (the item's material, the line's index in the request, the clerk's entry)
_Line = tuple[Material, int, ChecklistEntry]


def _checked_checklist(
    problems: _Problems, item: CatalogItem, entries: list[ChecklistEntry], decision: str
) -> list[_Line] | None:
    """The checklist in the guide's order, paired with the item's materials; None if unusable.

    Each line keeps the index the clerk sent it at, so problems name the clerk's line.
    """
    if decision == "refuse" and not entries:
        return []
    by_name = {m.name: m for m in item.materials}
    given: dict[str, tuple[int, ChecklistEntry]] = {}
    usable = True
    for i, entry in enumerate(entries):
        name = entry.material.strip()
        if name not in by_name:
            problems.add(
                f"checklist.{i}.material",
                f"{item.code} has no material named “{name}”.",
                "not a material of this item",
            )
            usable = False
        elif name in given:
            problems.add(
                f"checklist.{i}.material",
                f"The checklist names “{name}” twice.",
                "listed twice",
            )
            usable = False
        else:
            given[name] = (i, entry.model_copy(update={"material": name}))
    left_out = [m.name for m in item.materials if m.name not in given]
    if left_out:
        problems.add(
            "checklist",
            f"The checklist must name every material of {item.code} once; it leaves out "
            f"{'、'.join(left_out)}.",
            f"leaves out {'、'.join(left_out)}",
        )
        usable = False
    return [(m, *given[m.name]) for m in item.materials] if usable else None


def _check_decision(
    problems: _Problems, lines: list[_Line], request: CaseRequest
) -> list[ChecklistEntry]:
    """Is the decision the one the checklist allows? Answers the checklist to store."""
    decision = request.decision
    gaps = [(m, e) for m, _, e in lines if m.required and e.state != "received"]
    gap_names = "、".join(m.name for m, _ in gaps)
    stored: list[ChecklistEntry] = []
    for m, i, e in lines:
        if e.state == "tolerated" and not m.tolerable:
            problems.add(
                f"checklist.{i}.state",
                f"“{m.name}” is not 容缺-able: it cannot be supplied later.",
                "not 容缺-able",
            )
        elif e.state == "tolerated" and decision != "tolerate":
            problems.add(
                f"checklist.{i}.state",
                f"Only a 容缺受理 records “{m.name}” as tolerated; mark it missing instead.",
                "only with decision tolerate",
            )
        # The notice lists every gap with its reason; a missing optional one is no gap.
        gap = e.state == "flawed" or (m.required and e.state == "missing")
        if decision == "notice" and gap and is_blank(e.note):
            problems.add(
                f"checklist.{i}.note",
                f"Say why “{m.name}” is {e.state}: the notice lists every reason at once.",
                "reason required for the notice",
            )
        if decision == "tolerate" and m.required and e.state != "received" and m.tolerable:
            # Under 容缺受理 a missing 容缺-able material is, by definition, tolerated.
            e = e.model_copy(update={"state": "tolerated"})
        stored.append(e)
    if decision == "accept" and gaps:
        problems.add(
            "decision",
            f"Cannot accept: required materials are not all received ({gap_names}); "
            "give a 容缺受理 or a 一次性告知.",
            "required materials not all received",
        )
    elif decision in ("tolerate", "notice") and not gaps:
        problems.add(
            "decision",
            f"Every required material was received: accept the case, no "
            f"{_DECISION_NAMES[decision]} is needed.",
            "nothing required is missing",
        )
    elif decision == "tolerate":
        firm = [m.name for m, _ in gaps if not m.tolerable]
        if firm:
            problems.add(
                "decision",
                f"Cannot accept with a tolerated gap: {'、'.join(firm)} cannot be 容缺; "
                "give a 一次性告知.",
                "a missing material is not 容缺-able",
            )
    return stored


def _check_fields(
    problems: _Problems, item: CatalogItem, request: CaseRequest, due: DueDate, today: date
) -> None:
    """The fields that belong to one decision only, delivery and the commitment date."""
    decision = request.decision
    if decision == "refuse":
        if is_blank(request.refuse_reason or ""):
            problems.add(
                "refuse_reason", "A refusal (不予受理) needs its reason.", "required to refuse"
            )
    else:
        for name in ("refuse_reason", "refer_to"):
            if getattr(request, name):
                problems.add(name, f"{name} belongs to a refusal only.", "only to refuse")
    if decision == "tolerate":
        when = request.commitment_date
        if when is None:
            problems.add(
                "commitment_date",
                "A 容缺受理 needs the date by which the applicant brings what is missing.",
                "required for 容缺受理",
            )
        elif when < today:
            problems.add(
                "commitment_date",
                f"The commitment date {when} is in the past.",
                "in the past",
            )
        elif when > due.date:
            problems.add(
                "commitment_date",
                f"The commitment date {when} is after the due date {due.date}; "
                "it may be no later than the due date.",
                f"after the due date {due.date}",
            )
    elif request.commitment_date is not None:
        problems.add(
            "commitment_date",
            "A commitment date belongs to a 容缺受理 only.",
            "only for 容缺受理",
        )
    if request.delivery == "post" and is_blank(request.address or ""):
        problems.add(
            "address", "Delivery by post needs the address to post the result to.", "required"
        )
    if decision in ("accept", "tolerate") and request.delivery not in item.delivery:
        problems.add(
            "delivery",
            f"{item.name} is not delivered by {request.delivery}.",
            f"one of {', '.join(item.delivery)}",
        )


def check_text(value: Any, where: str) -> None:
    """Refuse text the database cannot keep (lone surrogates, NUL), wherever it is."""
    if isinstance(value, str):
        require_text(where, value)
    elif isinstance(value, dict):
        for key, inner in value.items():
            check_text(inner, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            check_text(inner, f"{where}.{i}")
