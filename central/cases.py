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
numbers are checked again on the server (GB 11643, GB 32100, mobile; central.case_checks): a
terminal's check is a convenience, this one is the rule. The case number (办件编号) is `ZC` +
the hall-local date + a five-digit daily sequence (ZC2026111700012), drawn atomically from
`case_sequences`. Cases are read in central.case_lookup.

A case, its number and its audit row are written in the caller's one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from central import audit
from central.calendar import DueDate, WorkCalendar
from central.case_checks import check_request, check_text
from central.case_lookup import case_model
from central.context import Ctx
from central.day_sequence import next_in_day
from central.errors import Conflict, Invalid, NotFound
from central.hall_time import service_day
from central.schema import case_sequences, cases, tickets, windows
from client.case_models import Case, CaseRequest
from client.catalog_models import Catalog, CatalogItem
from client.validators import mask_id

CASE_PREFIX = "ZC"  # 综窗
MAX_DAILY_CASES = 99_999


def case_number(day: date, seq: int) -> str:
    return f"{CASE_PREFIX}{day:%Y%m%d}{seq:05d}"


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
    check_text(request.model_dump(mode="json"), "")
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
    applicant, checklist = check_request(item, request, due, today)
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
    case = case_model(row)
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
