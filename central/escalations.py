"""办不成事 escalations: register one, and what every step shares (the supervisor's steps
through its states are central.escalation_actions; the ledger is read in
central.escalation_ledger, its deadlines watched in central.deadline_watch).

The ledger number is `BBC-` + the hall-local date + a four-digit daily sequence drawn
atomically from `escalation_sequences` (BBC-20261121-0007). The due date is the category's
deadline (Settings.escalation_days, working days) counted on the official calendar from the
day of registration. Every step appends a row to `escalation_steps` holding the state after
it, plus an audit row and an `escalation.changed` event, all in the caller's one transaction.
Nothing is updated in place: the newest step is the current state, the others its timeline.

Who may do what is decided by the routes (clerks register and read their own; supervisors
and admins act on and read every one); the state machine is decided here (409 otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from central import audit, events
from central.calendar import DueDate, WorkCalendar
from central.context import Ctx
from central.day_sequence import next_in_day
from central.errors import Conflict, Invalid, require_text
from central.escalation_ledger import get_escalation
from central.hall_time import service_day
from central.schema import cases, tickets, windows
from central.schema_escalations import (
    escalation_sequences,
    escalation_steps,
    escalations,
)
from client.catalog_models import Catalog
from client.escalation_models import (
    Escalation,
    EscalationAction,
    EscalationRequest,
    phone_problem,
)
from client.validators import is_blank, mask_phone

PREFIX = "BBC"  # 办不成
MAX_DAILY = 9_999
DEFAULT_DAYS: dict[str, int] = {"difficult": 15, "complex": 5, "urgent": 1}
EVENT = "escalation.changed"

# The state machine is defined once, in client.escalation_models.STEPS.


def ledger_number(day: date, seq: int) -> str:
    return f"{PREFIX}-{day:%Y%m%d}-{seq:04d}"


def deadline_days(days: Mapping[str, int], category: str) -> int:
    """Working days to handle an escalation of `category`; the hall's setting, else the default."""
    value = days.get(category, DEFAULT_DAYS[category])
    return max(0, int(value))


def due_for(
    calendar: WorkCalendar, days: Mapping[str, int], registered: date, category: str
) -> DueDate:
    return calendar.add_working_days(registered, deadline_days(days, category))


# --- registering --------------------------------------------------------------------------


def checked_text(fields: dict[str, str], name: str, value: str, what: str) -> str:
    value = require_text(name, value).strip()
    if not value:
        fields.setdefault(name, f"{what} is required")
    elif is_blank(value):  # only zero-width or control characters: blank on screen and paper
        fields.setdefault(name, f"{what} has no visible characters")
    return value


def checked_phone(fields: dict[str, str], name: str, value: str, *, required: bool) -> str:
    value = require_text(name, value).strip()
    if not value:
        if required:
            fields.setdefault(name, "a phone number is required")
        return ""
    problem = phone_problem(value)
    if problem is not None:
        fields.setdefault(name, problem)
    return value


def raise_invalid(fields: dict[str, str]) -> None:
    if fields:
        names = ", ".join(fields)
        raise Invalid(
            f"Check these fields: {names}.",
            fields=fields,
            reason="check_these_fields",
            params={"names": names},
        )


def register(
    conn: Connection,
    ctx: Ctx,
    calendar: WorkCalendar,
    catalog: Catalog,
    days: Mapping[str, int],
    request: EscalationRequest,
) -> Escalation:
    """Number, store, audit and announce a new escalation (state: registered)."""
    actor = ctx.actor
    fields: dict[str, str] = {}
    reporter = request.reporter
    name = checked_text(fields, "reporter.name", reporter.name, "the reporter's name")
    phone = checked_phone(fields, "reporter.phone", reporter.phone, required=True)
    contact = require_text("reporter.contact_person", reporter.contact_person).strip()
    description = checked_text(fields, "description", request.description, "what could not be done")

    ticket_id, ticket_number = request.ticket_id, None
    if ticket_id is not None:
        ticket_number = conn.execute(
            select(tickets.c.number).where(tickets.c.id == ticket_id)
        ).scalar()
        if ticket_number is None:
            fields["ticket_id"] = "no such ticket"
    case_no = (require_text("case_no", request.case_no or "")).strip().upper() or None
    case_item: tuple[str, str] | None = None
    if case_no is not None:
        found = conn.execute(
            select(cases.c.item_code, cases.c.item_name).where(cases.c.case_no == case_no)
        ).first()
        if found is None:
            fields["case_no"] = "no such case"
        else:
            case_item = (found.item_code, found.item_name)
    item_code = (require_text("item_code", request.item_code or "")).strip() or None
    item_name: str | None = None
    if item_code is not None:
        item = catalog.item(item_code)
        if item is None:
            fields["item_code"] = "no such item in the catalog"
        else:
            item_name = item.name
    elif case_item is not None:
        item_code, item_name = case_item
    raise_invalid(fields)

    window_no = conn.execute(
        select(windows.c.no).where(windows.c.staff_no == actor.staff_no)
    ).scalar()
    today = service_day(ctx.now)
    seq = next_in_day(conn, escalation_sequences, today)
    if seq > MAX_DAILY:
        raise Conflict(
            f"The ledger has numbered {MAX_DAILY} escalations today; none is left.",
            reason="ledger_numbered_escalations_today_none",
            params={"count": MAX_DAILY},
        )
    number = ledger_number(today, seq)
    due = due_for(calendar, days, today, request.category)
    escalation_id = conn.execute(
        insert(escalations)
        .values(
            no=number,
            service_day=today,
            seq=seq,
            registered_at=ctx.now,
            staff_no=actor.staff_no,
            staff_name=actor.name,
            window_no=window_no,
            channel=request.channel,
            reporter_kind=reporter.kind,
            reporter_name=name,
            reporter_phone=phone,
            reporter_contact=contact,
            description=description,
            ticket_id=ticket_id,
            ticket_number=ticket_number,
            case_no=case_no,
            item_code=item_code,
            item_name=item_name,
        )
        .returning(escalations.c.id)
    ).scalar_one()
    state: dict[str, Any] = {
        "status": "registered",
        "category": request.category,
        "due_date": due.date,
        "due_guessed": due.guessed,
        "department_code": None,
        "department_name": None,
        "handler": None,
        "handler_phone": None,
        "result": None,
        "satisfaction": None,
        "callback_note": None,
        "scope_reason": None,
        "scope_explanation": None,
        "scope_channel": None,
    }
    append_step(conn, ctx, escalation_id, 1, "register", "", state)
    audit.record(
        conn,
        ctx,
        "escalation.register",
        "escalation",
        number,
        before=None,
        after={
            **audit_view(state),
            "no": number,
            "channel": request.channel,
            "reporter": {"kind": reporter.kind, "name": name, "phone": mask_phone(phone)},
            "ticket": ticket_number,
            "case_no": case_no,
            "item_code": item_code,
        },
        window_no=window_no,
    )
    events.emit(conn, ctx, EVENT, object_id=number, window_no=window_no)
    return get_escalation(conn, actor, calendar, today, number)


def append_step(
    conn: Connection,
    ctx: Ctx,
    escalation_id: int,
    seq: int,
    action: EscalationAction,
    note: str,
    state: Mapping[Any, Any],
) -> None:
    actor = ctx.actor
    assert actor is not None
    try:
        conn.execute(
            insert(escalation_steps).values(
                escalation_id=escalation_id,
                seq=seq,
                at=ctx.now,
                actor=actor.staff_no,
                actor_name=actor.name,
                action=action,
                note=note,
                **state,
            )
        )
    except IntegrityError:
        # Another step of the same escalation committed first (PostgreSQL; SQLite serialises).
        raise Conflict(
            "Someone else changed this escalation at the same moment; look at it again.",
            reason="someone_else_changed_escalation_same",
        ) from None


def audit_view(state: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "status": state["status"],
        "category": state["category"],
        "due_date": state["due_date"].isoformat(),
        "department": state["department_code"],
        "handler": state["handler"],
        "satisfaction": state["satisfaction"],
        "out_of_scope": state["scope_reason"],
    }
