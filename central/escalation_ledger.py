"""The escalation ledger (台账), read: one escalation with its timeline, the ledger's pages and
counts, each escalation's deadline flags.

An escalation's current state is its newest row in `escalation_steps` (central.escalations
writes the steps; nothing is updated in place). A clerk reads the escalations they raised; a
supervisor reads the whole ledger.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, and_, func, select

from central.calendar import WorkCalendar
from central.context import Actor
from central.errors import Forbidden, NotFound
from central.schema_escalations import escalation_steps, escalations
from client.escalation_models import (
    OPEN_STATUSES,
    Escalation,
    EscalationStep,
    OutOfScope,
    Reporter,
)

LIST_LIMIT = 50  # the default page; a request may ask for up to 5,000


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


def current() -> Select[Any]:
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


def state_of(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The step columns of a current() row, without their s_ prefix."""
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


def find_escalation(conn: Connection, no: str) -> Mapping[Any, Any]:
    wanted = no.strip().upper()
    row = conn.execute(current().where(escalations.c.no == wanted)).mappings().first()
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
    row = find_escalation(conn, no)
    _may_read(actor, row)
    steps = conn.execute(
        select(escalation_steps)
        .where(escalation_steps.c.escalation_id == row["id"])
        .order_by(escalation_steps.c.seq)
    ).mappings()
    timeline = [_step_model(s) for s in steps]
    return _model(row, state_of(row), calendar, today, timeline)


@dataclass(frozen=True)
class LedgerFilter:
    """Which part of the ledger a page or a count is of."""

    mine: bool  # only the escalations the actor raised
    status: str | None = None
    category: str | None = None
    department: str | None = None
    overdue: bool | None = None  # True: only overdue; False: none overdue


def _ledger_query(actor: Actor, today: date, wanted: LedgerFilter) -> Select[Any]:
    query = current()
    if wanted.mine:
        query = query.where(escalations.c.staff_no == actor.staff_no)
    if wanted.status:
        query = query.where(escalation_steps.c.status == wanted.status)
    if wanted.category:
        query = query.where(escalation_steps.c.category == wanted.category)
    if wanted.department:
        query = query.where(escalation_steps.c.department_code == wanted.department)
    if wanted.overdue is not None:
        late = and_(
            escalation_steps.c.status.in_(OPEN_STATUSES), escalation_steps.c.due_date < today
        )
        query = query.where(late if wanted.overdue else ~late)
    return query


def search(
    conn: Connection,
    actor: Actor,
    calendar: WorkCalendar,
    today: date,
    wanted: LedgerFilter,
    *,
    after: int | None = None,
    limit: int = LIST_LIMIT,
) -> tuple[list[Escalation], int | None]:
    """The ledger (or the actor's own part of it), newest first, registered before
    escalation id `after` (keyset: ids follow registration); and the cursor of the next
    page (None: this is the last)."""
    query = _ledger_query(actor, today, wanted)
    if after is not None:
        query = query.where(escalations.c.id < after)
    query = query.order_by(escalations.c.id.desc())
    rows = conn.execute(query.limit(limit)).mappings().all()
    next_after = int(rows[-1]["id"]) if len(rows) == limit else None
    return [_model(r, state_of(r), calendar, today) for r in rows], next_after


def count(conn: Connection, actor: Actor, today: date, wanted: LedgerFilter) -> int:
    """How many escalations the ledger's filters match in all."""
    query = _ledger_query(actor, today, wanted).with_only_columns(escalations.c.id)
    return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())
