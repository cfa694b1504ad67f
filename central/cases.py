"""Cases taken at the general window (无差别综合受理) and the rules of 行政许可法 §32.

One intake ends in one of four decisions, and the server, not the terminal, holds the rules:

- accept (受理): every required material received; optional ones may be missing.
- tolerate (容缺受理): the required materials not received are all 容缺-able (recorded as
  `tolerated`); the applicant commits to a date, not in the past and not after the due date.
- notice (一次性告知): at least one required material missing or flawed; each missing or
  flawed line carries its reason, so the notice lists everything at once.
- refuse (不予受理): a reason is required; where to go instead (refer_to) is recommended. A
  refusal may come with an empty checklist (the materials were never looked at).

Every other decision needs a checklist naming each material of the item exactly once. Identity
numbers are checked again here (GB 11643, GB 32100, mobile): a terminal's check is a
convenience, this one is the rule. The case number (办件编号) is `ZC` + the hall-local date +
a five-digit daily sequence (ZC2026111700012), drawn atomically from `case_sequences`.

A case, its number and its audit row are written in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from central import audit
from central.calendar import DueDate, WorkCalendar
from central.context import Ctx
from central.day_sequence import next_in_day
from central.errors import Conflict, Invalid, NotFound, require_text
from central.hall_time import service_day
from central.schema import case_sequences, cases, tickets, windows
from client.case_models import Agent, Applicant, Case, CaseRequest, ChecklistEntry
from client.catalog_models import Catalog, CatalogItem, Material
from client.validators import (
    ID_KIND_NAMES,
    PROBLEM_TEXT,
    IdKind,
    age_on,
    check_mobile,
    check_other_id,
    check_uscc,
    is_blank,
    mask_id,
    normalise_id,
)

CASE_PREFIX = "ZC"  # 综窗
MAX_DAILY_CASES = 99_999
BLANK = "no visible characters"
LOOKUP_LIMIT = 100
# ID kinds whose number carries the holder's birth date, so min_age can be checked.
_DATED_ID_KINDS: frozenset[IdKind] = frozenset({"resident_id", "hmt_residence_permit"})
_DECISION_NAMES = {
    "accept": "受理",
    "tolerate": "容缺受理",
    "notice": "一次性告知",
    "refuse": "不予受理",
}


def case_number(day: date, seq: int) -> str:
    return f"{CASE_PREFIX}{day:%Y%m%d}{seq:05d}"


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


def _check_text(value: Any, where: str) -> None:
    """Refuse text the database cannot keep (lone surrogates, NUL), wherever it is."""
    if isinstance(value, str):
        require_text(where, value)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _check_text(inner, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _check_text(inner, f"{where}.{i}")


# --- window and ticket --------------------------------------------------------------------


def _window_and_ticket(
    conn: Connection, ctx: Ctx, request: CaseRequest
) -> tuple[int | None, int | None, str | None]:
    """(window, ticket id, ticket number). A ticket must be the one in service at the window."""
    actor = ctx.actor
    own = conn.execute(select(windows.c.no).where(windows.c.staff_no == actor.staff_no)).scalar()
    window_no = request.window_no
    if window_no is not None and window_no != own:
        if not actor.is_supervisor:
            where = f"signed on at window {own}" if own is not None else "not signed on"
            raise Conflict(
                f"You are {where}; a case can only be taken at your own window.",
                fields={"window_no": "not your window"},
                reason="case_only_at_own_window"
                if own is not None
                else "you_not_signed_window_sign",
                params={"window_no": own} if own is not None else None,
            )
        known = conn.execute(select(windows.c.no).where(windows.c.no == window_no)).scalar()
        if known is None:
            raise Invalid(
                f"There is no window {window_no} in this hall.",
                fields={"window_no": "unknown window"},
                reason="no_window_hall",
                params={"window_no": window_no},
            )
    window_no = window_no if window_no is not None else own
    if request.ticket_id is None:
        return window_no, None, None
    ticket = None
    if 0 < request.ticket_id <= 2**63 - 1:
        ticket = conn.execute(select(tickets).where(tickets.c.id == request.ticket_id)).first()
    if ticket is None:
        raise NotFound(
            f"There is no ticket {request.ticket_id}.",
            reason="no_ticket",
            params={"ticket_id": request.ticket_id},
        )
    if window_no is None:
        raise Conflict(
            f"Ticket {ticket.number} must be in service at your window; sign on first.",
            fields={"ticket_id": "not signed on"},
            reason="ticket_must_service_your_window",
            params={"number": ticket.number},
        )
    if ticket.status != "serving" or ticket.window_no != window_no:
        raise Conflict(
            f"Ticket {ticket.number} is not the ticket in service at window {window_no}.",
            fields={"ticket_id": "not in service at this window"},
            reason="ticket_not_ticket_service_window",
            params={"number": ticket.number, "window_no": window_no},
        )
    return window_no, int(ticket.id), str(ticket.number)


# --- the operations -----------------------------------------------------------------------


def due_date(item: CatalogItem, day: date, calendar: WorkCalendar) -> DueDate:
    """承诺时限 in working days after the day of acceptance; an instant item is due that day."""
    if item.kind == "instant" or item.promised_days is None:
        return DueDate(day)
    return calendar.add_working_days(day, item.promised_days)


def create_case(
    conn: Connection,
    ctx: Ctx,
    catalog: Catalog,
    calendar: WorkCalendar,
    request: CaseRequest,
) -> Case:
    """Check every rule, then number, store and audit the case in the caller's transaction."""
    _check_text(request.model_dump(mode="json"), "")
    actor = ctx.actor
    item = catalog.item(request.item_code.strip())
    if item is None:
        raise Invalid(
            f"There is no item {request.item_code!r} in the catalog.",
            fields={"item_code": "unknown item"},
            reason="no_item_catalog",
            params={"item_code": request.item_code},
        )
    today = service_day(ctx.now)
    due = due_date(item, today, calendar)
    problems = _Problems()
    applicant = _checked_applicant(problems, item, request.applicant, request.decision, today)
    lines = _checked_checklist(problems, item, request.checklist, request.decision)
    checklist = _check_decision(problems, lines, request) if lines is not None else []
    _check_fields(problems, item, request, due, today)
    problems.raise_if_any()
    window_no, ticket_id, ticket_no = _window_and_ticket(conn, ctx, request)

    seq = next_in_day(conn, case_sequences, today)
    if seq > MAX_DAILY_CASES:
        raise Conflict(
            f"This hall has numbered {MAX_DAILY_CASES} cases today; no number is left.",
            reason="hall_numbered_cases_today_no",
            params={"count": MAX_DAILY_CASES},
        )
    number = case_number(today, seq)
    taken = request.decision in ("accept", "tolerate")
    address = (request.address or "").strip() or None if request.delivery == "post" else None
    key = applicant.uscc if applicant.kind == "enterprise" else applicant.id_number
    row: dict[str, Any] = {
        "case_no": number,
        "service_day": today,
        "seq": seq,
        "item_code": item.code,
        "item_name": item.name,
        "department_name": item.department_name,
        "catalog_version": catalog.version,
        "decision": request.decision,
        "created_at": ctx.now,
        "applicant_kind": applicant.kind,
        "applicant_key": key or "",
        "applicant": applicant.model_dump(mode="json"),
        "checklist": [e.model_dump(mode="json") for e in checklist],
        "due_date": due.date if taken else None,
        "due_guessed": due.guessed if taken else False,
        "commitment_date": request.commitment_date,
        "delivery": request.delivery,
        "address": address,
        "refuse_reason": (request.refuse_reason or "").strip() or None,
        "refer_to": (request.refer_to or "").strip() or None,
        "staff_no": actor.staff_no,
        "staff_name": actor.name,
        "window_no": window_no,
        "ticket_id": ticket_id,
        "ticket_number": ticket_no,
    }
    conn.execute(insert(cases).values(**row))
    case = _case_model(row)
    audit.record(
        conn,
        ctx,
        f"case.{request.decision}",
        "case",
        number,
        before=None,
        after=_audit_view(case),
        window_no=window_no,
    )
    return case


def get_case(conn: Connection, case_no: str) -> Case:
    wanted = normalise_id(case_no)
    row = conn.execute(select(cases).where(cases.c.case_no == wanted)).first()
    if row is None:
        raise NotFound(
            f"There is no case {case_no}.", reason="no_case", params={"case_no": case_no}
        )
    return _case_model(row._asdict())


def cases_for_applicant(conn: Connection, applicant_id: str) -> list[Case]:
    """An applicant's cases (person ID number or enterprise USCC), newest first."""
    key = normalise_id(require_text("applicant_id", applicant_id))
    if not key:
        raise Invalid(
            "Give the applicant's ID number or credit code.",
            fields={"applicant_id": "required"},
            reason="give_applicant_s_id_number",
        )
    rows = conn.execute(
        select(cases)
        .where(cases.c.applicant_key == key)
        .order_by(cases.c.created_at.desc(), cases.c.id.desc())
        .limit(LOOKUP_LIMIT)
    ).all()
    return [_case_model(r._asdict()) for r in rows]


def _case_model(row: dict[str, Any]) -> Case:
    return Case(
        case_no=row["case_no"],
        item_code=row["item_code"],
        item_name=row["item_name"],
        department_name=row["department_name"],
        decision=row["decision"],
        created_at=row["created_at"],
        applicant=Applicant.model_validate(row["applicant"]),
        checklist=[ChecklistEntry.model_validate(e) for e in row["checklist"]],
        due_date=row["due_date"],
        due_guessed=bool(row["due_guessed"]),
        commitment_date=row["commitment_date"],
        delivery=row["delivery"],
        address=row["address"],
        refuse_reason=row["refuse_reason"],
        refer_to=row["refer_to"],
        staff_no=row["staff_no"],
        staff_name=row["staff_name"],
        window_no=row["window_no"],
        ticket_id=row["ticket_id"],
        ticket_number=row["ticket_number"],
    )


def _audit_view(case: Case) -> dict[str, Any]:
    """What the audit trail keeps of a case: the decision and its grounds, IDs masked."""
    a = case.applicant
    ident = a.uscc if a.kind == "enterprise" else a.id_number
    return {
        "case_no": case.case_no,
        "item_code": case.item_code,
        "decision": case.decision,
        "applicant": {"kind": a.kind, "name": a.name, "id": mask_id(ident or "")},
        "agent": mask_id(a.agent.id_number) if a.agent else None,
        "checklist": {e.material: e.state for e in case.checklist},
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "due_guessed": case.due_guessed,
        "commitment_date": case.commitment_date.isoformat() if case.commitment_date else None,
        "delivery": case.delivery,
        "refuse_reason": case.refuse_reason,
        "refer_to": case.refer_to,
        "ticket": case.ticket_number,
    }
