"""The supervisor's steps on a 办不成事 escalation (assign, progress, resolve, call back,
close or out of scope): the state machine (client.escalation_models.STEPS) decides whether the
step is allowed now (409 otherwise); the step's changes are checked (422), then appended as a new
step with its audit row and `escalation.changed` event (central.escalations), in the caller's
one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from central import audit, events
from central.calendar import WorkCalendar
from central.context import Ctx
from central.errors import Conflict, Forbidden, require_text
from central.escalation_ledger import find_escalation, get_escalation, state_of
from central.escalations import (
    EVENT,
    append_step,
    audit_view,
    checked_phone,
    checked_text,
    due_for,
    raise_invalid,
)
from central.hall_time import service_day
from central.schema import departments
from client.escalation_models import (
    STEPS,
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    Escalation,
    EscalationAction,
    ProgressRequest,
    ResolveRequest,
)
from client.transitions import either

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
        state["handler"] = checked_text(fields, "handler", body.handler, "the handling person")
        state["handler_phone"] = checked_phone(
            fields, "handler_phone", body.handler_phone, required=False
        )
        state["handler_phone"] = state["handler_phone"] or None
        if body.category is not None and body.category != state["category"]:
            due = due_for(calendar, days, registered, body.category)
            state["category"] = body.category
            state["due_date"], state["due_guessed"] = due.date, due.guessed
        note = require_text("note", body.note).strip()
    elif isinstance(body, ProgressRequest):
        note = checked_text(fields, "note", body.note, "what has been done")
    elif isinstance(body, ResolveRequest):
        state["result"] = checked_text(fields, "result", body.result, "the result")
    elif isinstance(body, CallbackRequest):
        state["satisfaction"] = body.satisfaction
        state["callback_note"] = require_text("note", body.note).strip() or None
        note = state["callback_note"] or ""
    elif body.out_of_scope is not None:
        scope = body.out_of_scope
        state["scope_reason"] = scope.reason
        state["scope_explanation"] = checked_text(
            fields, "out_of_scope.explanation", scope.explanation, "the explanation"
        )
        state["scope_channel"] = checked_text(
            fields, "out_of_scope.channel", scope.channel, "the right channel"
        )
        note = require_text("note", body.note).strip()
    else:
        note = require_text("note", body.note).strip()
    raise_invalid(fields)
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
    append_step(conn, ctx, row["id"], before["seq"] + 1, action, note, state)
    audit.record(
        conn,
        ctx,
        f"escalation.{action}",
        "escalation",
        row["no"],
        before=audit_view(before),
        after={**audit_view(state), "note": note} if note else audit_view(state),
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
