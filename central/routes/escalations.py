"""办不成事 escalations (DESIGN.md §2, §6): register, read the ledger, and the supervisor steps.

- POST /v1/escalations: a clerk or supervisor registers one (201, ledger number, due date).
- GET /v1/escalations?mine=&status=&category=&department=&overdue=: a clerk gets their own
  (mine=false is refused, 403); a supervisor or admin the hall's ledger. Overdue and due-soon
  are computed on the working-day calendar for the hall-local day of the request.
- GET /v1/escalations/{no}: one, with its timeline (a clerk: only their own).
- POST /v1/escalations/{no}/{assign,progress,resolve,callback,close}: supervisor or admin;
  409 when the state does not allow the step. Close with `out_of_scope` closes a matter that
  is not the hall's (涉法涉诉, 信访, private dispute) from any open state.

The deadline watcher (due soon / overdue announcements) is central.deadline_watch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy import Connection

from central import escalation_actions as steps
from central import escalation_ledger as ledger
from central import escalations
from central.context import Ctx
from central.deps import DeskStaff, HallStaff, Idempotent, Reference, StoreDep, Supervisor
from central.errors import ACTION, AUTHED, AUTHED_404, Forbidden
from central.hall_time import service_day
from client.escalation_models import (
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    Escalation,
    EscalationCategory,
    EscalationList,
    EscalationRequest,
    EscalationStatus,
    ProgressRequest,
    ResolveRequest,
)

router = APIRouter(prefix="/v1", tags=["escalations"])

LedgerNo = Path(max_length=24, description="ledger number, e.g. BBC-20261121-0007")


@router.post("/escalations", response_model=Escalation, status_code=201, responses=ACTION)
def register(
    body: EscalationRequest, _actor: DeskStaff, act: Idempotent, store: StoreDep, ref: Reference
) -> Response:
    """Register a 办不成事 escalation: numbered, due in the category's working days."""
    days = store.settings.escalation_days

    def register_one(conn: Connection, ctx: Ctx) -> Escalation:
        return escalations.register(conn, ctx, ref.calendar, ref.catalog, days, body)

    return act(body, register_one, status=201)


@router.get("/escalations", response_model=EscalationList, responses=AUTHED)
def list_escalations(
    actor: HallStaff,
    store: StoreDep,
    ref: Reference,
    mine: bool | None = Query(default=None, description="only those I raised (clerks: always)"),
    status: EscalationStatus | None = Query(default=None),
    category: EscalationCategory | None = Query(default=None),
    department: str | None = Query(default=None, max_length=32, description="department code"),
    overdue: bool | None = Query(default=None, description="true: only overdue; false: none"),
    after: int | None = Query(
        default=None, ge=1, le=2**63 - 1, description="the next_after of the page before"
    ),
    limit: int = Query(default=ledger.LIST_LIMIT, ge=1, le=5000),
) -> EscalationList:
    """Newest first."""
    if not actor.is_supervisor and mine is False:
        raise Forbidden(
            "A clerk sees only the escalations they raised; the ledger is for supervisors.",
            reason="clerk_sees_escalations_they_raised",
        )
    now = store.now()
    today = service_day(now)
    wanted = ledger.LedgerFilter(
        mine=bool(mine) or not actor.is_supervisor,
        status=status,
        category=category,
        department=department or None,
        overdue=overdue,
    )
    with store.read() as conn:
        items, next_after = ledger.search(
            conn, actor, ref.calendar, today, wanted, after=after, limit=limit
        )
        total = ledger.count(conn, actor, today, wanted)
    return EscalationList(as_of=now, today=today, items=items, total=total, next_after=next_after)


@router.get("/escalations/{no}", response_model=Escalation, responses=AUTHED_404)
def get_escalation(
    actor: HallStaff, store: StoreDep, ref: Reference, no: str = LedgerNo
) -> Escalation:
    with store.read() as conn:
        return ledger.get_escalation(conn, actor, ref.calendar, service_day(store.now()), no)


StepRun = Callable[[steps.StepBody], Response]


async def _supervisor_step(
    _actor: Supervisor,
    act: Idempotent,
    store: StoreDep,
    ref: Reference,
    no: str = LedgerNo,
) -> StepRun:
    """All a supervisor's step on escalation `no` needs but its body; the route runs it.
    `async`: it only gathers its arguments, so it costs no thread hop (see central.deps)."""

    def run(body: steps.StepBody) -> Response:
        days = store.settings.escalation_days
        return act(body, lambda conn, ctx: steps.act(conn, ctx, ref.calendar, days, no, body))

    return run


SupervisorStep = Annotated[StepRun, Depends(_supervisor_step)]


@router.post("/escalations/{no}/assign", response_model=Escalation, responses=ACTION)
def assign(body: AssignRequest, step: SupervisorStep) -> Response:
    """交办: to a department and a handling person (again, to re-route it); may re-grade."""
    return step(body)


@router.post("/escalations/{no}/progress", response_model=Escalation, responses=ACTION)
def progress(body: ProgressRequest, step: SupervisorStep) -> Response:
    """A progress note (督办): assigned or in progress → in progress."""
    return step(body)


@router.post("/escalations/{no}/resolve", response_model=Escalation, responses=ACTION)
def resolve(body: ResolveRequest, step: SupervisorStep) -> Response:
    """The result (办理结果): assigned or in progress → resolved."""
    return step(body)


@router.post("/escalations/{no}/callback", response_model=Escalation, responses=ACTION)
def callback(body: CallbackRequest, step: SupervisorStep) -> Response:
    """回访: the reporter's satisfaction; resolved → called back."""
    return step(body)


@router.post("/escalations/{no}/close", response_model=Escalation, responses=ACTION)
def close(body: CloseRequest, step: SupervisorStep) -> Response:
    """销号: called back → closed. With `out_of_scope`: registered, assigned or in progress →
    out of scope, with the explanation given and the right channel."""
    return step(body)
