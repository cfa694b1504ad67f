"""办不成事 escalations: register one, walk it through its states, read the ledger, watch deadlines.

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
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from central import audit, events
from central.calendar import DueDate, WorkCalendar
from central.context import Actor, Ctx, Happening
from central.day_sequence import next_in_day
from central.errors import Conflict, Forbidden, Invalid, NotFound, require_text
from central.hall_time import service_day
from central.schema import cases, departments, tickets, windows
from central.schema_escalations import (
    escalation_alerts,
    escalation_sequences,
    escalation_steps,
    escalations,
)
from client.catalog_models import Catalog
from client.escalation_models import (
    OPEN_STATUSES,
    STEPS,
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    Escalation,
    EscalationAction,
    EscalationRequest,
    EscalationStep,
    OutOfScope,
    ProgressRequest,
    Reporter,
    ResolveRequest,
    phone_problem,
)
from client.transitions import either
from client.validators import is_blank, mask_phone

PREFIX = "BBC"  # 办不成
MAX_DAILY = 9_999
DEFAULT_DAYS: dict[str, int] = {"difficult": 15, "complex": 5, "urgent": 1}
LIST_LIMIT = 50  # the default page; a request may ask for up to 5,000
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


@dataclass(frozen=True)
class Flags:
    overdue: bool = False
    overdue_days: int = 0
    due_soon: bool = False


def deadline_flags(calendar: WorkCalendar, status: str, due: date, today: date) -> Flags:
    """Overdue: still open and the due date has passed. Due soon: open, due today or on the
    next working day. A resolved, called-back or closed escalation is neither."""
    if status not in OPEN_STATUSES:
        return Flags()
    if today > due:
        return Flags(overdue=True, overdue_days=calendar.working_days_between(due, today))
    next_working = calendar.add_working_days(today, 1).date
    return Flags(due_soon=due <= next_working)


# --- reading ----------------------------------------------------------------------------------


def _current() -> Select[Any]:
    """Each escalation with its newest step (its current state); step columns prefixed s_."""
    newest = (
        select(
            escalation_steps.c.escalation_id.label("eid"),
            func.max(escalation_steps.c.seq).label("last"),
        )
        .group_by(escalation_steps.c.escalation_id)
        .subquery()
    )
    step_columns = [c.label(f"s_{c.name}") for c in escalation_steps.c]
    return (
        select(escalations, *step_columns)
        .join(newest, newest.c.eid == escalations.c.id)
        .join(
            escalation_steps,
            and_(
                escalation_steps.c.escalation_id == escalations.c.id,
                escalation_steps.c.seq == newest.c.last,
            ),
        )
    )


def _state_of(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The step columns of a _current() row, without their s_ prefix."""
    return {k[2:]: v for k, v in row.items() if k.startswith("s_")}


def _model(
    row: Mapping[Any, Any],
    state: Mapping[Any, Any],
    calendar: WorkCalendar,
    today: date,
    timeline: list[EscalationStep] | None = None,
) -> Escalation:
    scope = None
    if state["scope_reason"]:
        scope = OutOfScope(
            reason=state["scope_reason"],
            explanation=state["scope_explanation"] or "",
            channel=state["scope_channel"] or "",
        )
    flags = deadline_flags(calendar, state["status"], state["due_date"], today)
    terminal = state["status"] in ("closed", "out_of_scope")
    return Escalation(
        no=row["no"],
        status=state["status"],
        category=state["category"],
        channel=row["channel"],
        reporter=Reporter(
            kind=row["reporter_kind"],
            name=row["reporter_name"],
            phone=row["reporter_phone"],
            contact_person=row["reporter_contact"],
        ),
        description=row["description"],
        ticket_id=row["ticket_id"],
        ticket_number=row["ticket_number"],
        case_no=row["case_no"],
        item_code=row["item_code"],
        item_name=row["item_name"],
        registered_at=row["registered_at"],
        registered_by=row["staff_no"],
        registered_by_name=row["staff_name"],
        window_no=row["window_no"],
        department=state["department_code"],
        department_name=state["department_name"],
        handler=state["handler"],
        handler_phone=state["handler_phone"],
        due_date=state["due_date"],
        due_guessed=bool(state["due_guessed"]),
        result=state["result"],
        satisfaction=state["satisfaction"],
        callback_note=state["callback_note"],
        out_of_scope=scope,
        updated_at=state["at"],
        closed_at=state["at"] if terminal else None,
        overdue=flags.overdue,
        overdue_days=flags.overdue_days,
        due_soon=flags.due_soon,
        timeline=timeline or [],
    )


_DETAIL_KEYS = {
    "assign": ("department_name", "handler", "handler_phone", "category", "due_date"),
    "resolve": ("result",),
    "callback": ("satisfaction",),
    "out_of_scope": ("scope_reason", "scope_explanation", "scope_channel"),
    "register": ("category", "due_date"),
}


def _step_model(step: Mapping[Any, Any]) -> EscalationStep:
    details = {
        key: str(step[key])
        for key in _DETAIL_KEYS.get(step["action"], ())
        if step[key] is not None and step[key] != ""
    }
    return EscalationStep(
        seq=step["seq"],
        at=step["at"],
        action=step["action"],
        status=step["status"],
        actor=step["actor"],
        actor_name=step["actor_name"],
        note=step["note"],
        details=details,
    )


def _find(conn: Connection, no: str) -> Mapping[Any, Any]:
    wanted = no.strip().upper()
    row = conn.execute(_current().where(escalations.c.no == wanted)).mappings().first()
    if row is None:
        raise NotFound(
            f"There is no escalation {no} in the ledger.",
            reason="no_escalation_ledger",
            params={"no": no},
        )
    return row


def _may_read(actor: Actor, row: Mapping[Any, Any]) -> None:
    if not actor.is_supervisor and row["staff_no"] != actor.staff_no:
        raise Forbidden(
            f"Escalation {row['no']} was raised by someone else; "
            "a clerk sees only their own, a supervisor sees the ledger.",
            reason="escalation_raised_by_someone_else",
            params={"no": row["no"]},
        )


def get_escalation(
    conn: Connection, actor: Actor, calendar: WorkCalendar, today: date, no: str
) -> Escalation:
    """One escalation with its whole timeline, oldest step first."""
    row = _find(conn, no)
    _may_read(actor, row)
    steps = conn.execute(
        select(escalation_steps)
        .where(escalation_steps.c.escalation_id == row["id"])
        .order_by(escalation_steps.c.seq)
    ).mappings()
    timeline = [_step_model(s) for s in steps]
    return _model(row, _state_of(row), calendar, today, timeline)


def _ledger_query(
    actor: Actor,
    today: date,
    *,
    mine: bool,
    status: str | None,
    category: str | None,
    department: str | None,
    overdue: bool | None,
) -> Select[Any]:
    query = _current()
    if mine:
        query = query.where(escalations.c.staff_no == actor.staff_no)
    if status:
        query = query.where(escalation_steps.c.status == status)
    if category:
        query = query.where(escalation_steps.c.category == category)
    if department:
        query = query.where(escalation_steps.c.department_code == department)
    if overdue is not None:
        late = and_(
            escalation_steps.c.status.in_(OPEN_STATUSES), escalation_steps.c.due_date < today
        )
        query = query.where(late if overdue else ~late)
    return query


def search(
    conn: Connection,
    actor: Actor,
    calendar: WorkCalendar,
    today: date,
    *,
    mine: bool,
    status: str | None = None,
    category: str | None = None,
    department: str | None = None,
    overdue: bool | None = None,
    after: int | None = None,
    limit: int = LIST_LIMIT,
) -> tuple[list[Escalation], int | None]:
    """The ledger (or the actor's own part of it), newest first, registered before
    escalation id `after` (keyset: ids follow registration); and the cursor of the next
    page (None: this is the last)."""
    query = _ledger_query(
        actor, today, mine=mine, status=status, category=category,
        department=department, overdue=overdue,
    )  # fmt: skip
    if after is not None:
        query = query.where(escalations.c.id < after)
    query = query.order_by(escalations.c.id.desc())
    rows = conn.execute(query.limit(limit)).mappings().all()
    next_after = int(rows[-1]["id"]) if len(rows) == limit else None
    return [_model(r, _state_of(r), calendar, today) for r in rows], next_after


def count(
    conn: Connection,
    actor: Actor,
    today: date,
    *,
    mine: bool,
    status: str | None = None,
    category: str | None = None,
    department: str | None = None,
    overdue: bool | None = None,
) -> int:
    """How many escalations the ledger's filters match in all."""
    query = _ledger_query(
        actor, today, mine=mine, status=status, category=category,
        department=department, overdue=overdue,
    ).with_only_columns(escalations.c.id)  # fmt: skip
    return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())


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
    row = _find(conn, no)
    before = _state_of(row)
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


# --- deadlines ------------------------------------------------------------------------------


def check_deadlines(conn: Connection, ctx: Happening, calendar: WorkCalendar) -> list[str]:
    """Announce (escalation.changed) each open escalation that became due soon or overdue.

    Each (escalation, kind, due date) is announced once: the alert row is inserted with
    ON CONFLICT DO NOTHING, so two server processes checking at once announce it once.
    Answers the ledger numbers announced.
    """
    today = service_day(ctx.now)
    horizon = calendar.add_working_days(today, 1).date
    rows = (
        conn.execute(
            _current().where(
                escalation_steps.c.status.in_(OPEN_STATUSES),
                escalation_steps.c.due_date <= horizon,
            )
        )
        .mappings()
        .all()
    )
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    announced: list[str] = []
    for row in rows:
        state = _state_of(row)
        flags = deadline_flags(calendar, state["status"], state["due_date"], today)
        kind = "overdue" if flags.overdue else "due_soon" if flags.due_soon else None
        if kind is None:
            continue
        inserted = conn.execute(
            dialect.insert(escalation_alerts)
            .values(escalation_id=row["id"], kind=kind, due_date=state["due_date"], at=ctx.now)
            .on_conflict_do_nothing()
        )
        if inserted.rowcount == 1:
            events.emit(conn, ctx, EVENT, object_id=row["no"])
            announced.append(str(row["no"]))
    return announced
