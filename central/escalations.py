"""办不成事 escalations: register one, walk it through its states (the ledger is read in
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
from central.errors import Conflict, Forbidden, Invalid, require_text
from central.escalation_ledger import find_escalation, get_escalation, state_of
from central.hall_time import service_day
from central.schema import cases, departments, tickets, windows
from central.schema_escalations import (
    escalation_sequences,
    escalation_steps,
    escalations,
)
from client.catalog_models import Catalog
from client.escalation_models import (
    STEPS,
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    Escalation,
    EscalationAction,
    EscalationRequest,
    ProgressRequest,
    ResolveRequest,
    phone_problem,
)
from client.transitions import either
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


def _text(fields: dict[str, str], name: str, value: str, what: str) -> str:
    value = require_text(name, value).strip()
    if not value:
        fields.setdefault(name, f"{what} is required")
    elif is_blank(value):  # only zero-width or control characters: blank on screen and paper
        fields.setdefault(name, f"{what} has no visible characters")
    return value


def _phone(fields: dict[str, str], name: str, value: str, *, required: bool) -> str:
    value = require_text(name, value).strip()
    if not value:
        if required:
            fields.setdefault(name, "a phone number is required")
        return ""
    problem = phone_problem(value)
    if problem is not None:
        fields.setdefault(name, problem)
    return value


def _raise(fields: dict[str, str]) -> None:
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
    name = _text(fields, "reporter.name", reporter.name, "the reporter's name")
    phone = _phone(fields, "reporter.phone", reporter.phone, required=True)
    contact = require_text("reporter.contact_person", reporter.contact_person).strip()
    description = _text(fields, "description", request.description, "what could not be done")

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
    _raise(fields)

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
    _append_step(conn, ctx, escalation_id, 1, "register", "", state)
    audit.record(
        conn,
        ctx,
        "escalation.register",
        "escalation",
        number,
        before=None,
        after={
            **_audit_view(state),
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


def _append_step(
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


def _audit_view(state: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "status": state["status"],
        "category": state["category"],
        "due_date": state["due_date"].isoformat(),
        "department": state["department_code"],
        "handler": state["handler"],
        "satisfaction": state["satisfaction"],
        "out_of_scope": state["scope_reason"],
    }


# --- the steps ----------------------------------------------------------------------------

StepBody = AssignRequest | ProgressRequest | ResolveRequest | CallbackRequest | CloseRequest


def _changes(
    conn: Connection,
    action: EscalationAction,
    body: StepBody,
    state: dict[str, Any],
    registered: date,
    calendar: WorkCalendar,
    days: Mapping[str, int],
) -> str:
    """Apply `body` to `state` (the new state); answers the step's note. 422 on bad input."""
    fields: dict[str, str] = {}
    note = ""
    if isinstance(body, AssignRequest):
        code = require_text("department", body.department).strip()
        dept = conn.execute(select(departments.c.name).where(departments.c.code == code)).scalar()
        if dept is None:
            fields["department"] = "no such department in this hall"
        state["department_code"], state["department_name"] = code, dept
        state["handler"] = _text(fields, "handler", body.handler, "the handling person")
        state["handler_phone"] = _phone(fields, "handler_phone", body.handler_phone, required=False)
        state["handler_phone"] = state["handler_phone"] or None
        if body.category is not None and body.category != state["category"]:
            due = due_for(calendar, days, registered, body.category)
            state["category"] = body.category
            state["due_date"], state["due_guessed"] = due.date, due.guessed
        note = require_text("note", body.note).strip()
    elif isinstance(body, ProgressRequest):
        note = _text(fields, "note", body.note, "what has been done")
    elif isinstance(body, ResolveRequest):
        state["result"] = _text(fields, "result", body.result, "the result")
    elif isinstance(body, CallbackRequest):
        state["satisfaction"] = body.satisfaction
        state["callback_note"] = require_text("note", body.note).strip() or None
        note = state["callback_note"] or ""
    elif body.out_of_scope is not None:
        scope = body.out_of_scope
        state["scope_reason"] = scope.reason
        state["scope_explanation"] = _text(
            fields, "out_of_scope.explanation", scope.explanation, "the explanation"
        )
        state["scope_channel"] = _text(
            fields, "out_of_scope.channel", scope.channel, "the right channel"
        )
        note = require_text("note", body.note).strip()
    else:
        note = require_text("note", body.note).strip()
    _raise(fields)
    return note


def step_action(body: StepBody) -> EscalationAction:
    """Which step a request body asks for (close with out_of_scope is its own step)."""
    if isinstance(body, AssignRequest):
        return "assign"
    if isinstance(body, ProgressRequest):
        return "progress"
    if isinstance(body, ResolveRequest):
        return "resolve"
    if isinstance(body, CallbackRequest):
        return "callback"
    return "out_of_scope" if body.out_of_scope is not None else "close"


def act(
    conn: Connection,
    ctx: Ctx,
    calendar: WorkCalendar,
    days: Mapping[str, int],
    no: str,
    body: StepBody,
) -> Escalation:
    """One supervisor step on an escalation: 409 when its state does not allow it."""
    actor = ctx.actor
    if not actor.is_supervisor:
        raise Forbidden(
            "Only a supervisor may act on an escalation.", reason="supervisor_may_act_escalation"
        )
    action = step_action(body)
    row = find_escalation(conn, no)
    before = state_of(row)
    step = STEPS[action]
    status = before["status"]
    if status not in step.start:
        shown = status.replace("_", " ")
        raise Conflict(
            f"Escalation {row['no']} is {shown}; it cannot be {step.words} now "
            f"(only when {either(step.start)}).",
            reason="escalation_cannot_now_when",
            params={"no": row["no"], "escalation_status": status, "action": action},
        )
    state = {k: before[k] for k in _STATE_KEYS}
    note = _changes(conn, action, body, state, row["service_day"], calendar, days)
    state["status"] = step.to
    _append_step(conn, ctx, row["id"], before["seq"] + 1, action, note, state)
    audit.record(
        conn,
        ctx,
        f"escalation.{action}",
        "escalation",
        row["no"],
        before=_audit_view(before),
        after={**_audit_view(state), "note": note} if note else _audit_view(state),
    )
    events.emit(conn, ctx, EVENT, object_id=row["no"])
    return get_escalation(conn, actor, calendar, service_day(ctx.now), row["no"])


_STATE_KEYS = (
    "status",
    "category",
    "due_date",
    "due_guessed",
    "department_code",
    "department_name",
    "handler",
    "handler_phone",
    "result",
    "satisfaction",
    "callback_note",
    "scope_reason",
    "scope_explanation",
    "scope_channel",
)
