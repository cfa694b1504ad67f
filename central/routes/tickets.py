"""Tickets: issue (kiosk), read, and every state change of DESIGN.md §2."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Path, Response
from sqlalchemy import Connection

from central import ticket_steps as steps
from central import tickets as engine
from central.context import Ctx
from central.counter_answer import ticket_step
from central.deps import CurrentActor, Idempotent, StoreDep
from central.errors import ACTION, AUTHED_404, _err
from central.hot_routes import hot
from central.idempotency import Step
from client.models import IssueTicketRequest, Ticket, TicketAnswer, TransferRequest

router = APIRouter(prefix="/v1", tags=["tickets"])

TicketId = Path(ge=1, lt=2**63, description="the ticket's id")


@router.post("/tickets", response_model=Ticket, status_code=201, responses=_err(401, 403, 409, 422))
async def issue(body: IssueTicketRequest, act: Idempotent) -> Response:
    """Issue a ticket (kiosk, supervisor, admin). 409 when the queue's daily cap is reached."""

    def issue_one(conn: Connection, ctx: Ctx) -> Ticket:
        return engine.issue_ticket(conn, ctx, body.queue, body.kind, body.appointment_at)

    return await act.on_writer(body, issue_one, status=201)


@router.get("/tickets/{ticket_id}", response_model=Ticket, responses=AUTHED_404)
def get_ticket(_actor: CurrentActor, store: StoreDep, ticket_id: int = TicketId) -> Ticket:
    with store.read() as conn:
        return engine.get_ticket(conn, ticket_id)


@router.post("/tickets/{ticket_id}/transfer", response_model=TicketAnswer, responses=ACTION)
async def transfer(body: TransferRequest, act: Idempotent, ticket_id: int = TicketId) -> Response:
    """A called or serving ticket waits again: in another queue, or for one window only."""

    def move(conn: Connection, ctx: Ctx, ticket_id: int) -> Ticket:
        return steps.transfer(conn, ctx, ticket_id, body.queue, body.window_no)

    return await act.on_writer(body, ticket_step(ticket_id, move))


_DOCS = {
    "recall": "Call a called ticket again (重呼); it stays called and its recall count goes up.",
    "no-show": "The citizen did not come (过号): called → missed.",
    "start": "The citizen is at the window: called → serving.",
    "finish": "Service done (办结): serving → done.",
    "hold": "Put the ticket aside (挂起): serving → held; the window may call the next one.",
    "call-back": "Bring a held ticket back (回呼): held → serving, at the window that held it.",
    "cancel": "Supervisor: a waiting ticket is cancelled.",
    "reactivate": "Supervisor: a missed ticket waits again, keeping its place by arrival.",
}


def _action_route(name: str, step: Callable[[Connection, Ctx, int], Ticket]) -> None:
    def stepping(ticket_id: int) -> Step:
        return ticket_step(ticket_id, step)

    async def endpoint(act: Idempotent, ticket_id: int = TicketId) -> Response:
        return await act.on_writer(None, stepping(ticket_id))

    router.add_api_route(
        f"/tickets/{{ticket_id}}/{name}",
        endpoint,
        methods=["POST"],
        response_model=TicketAnswer,
        responses=ACTION,
        name=f"ticket_{name.replace('-', '_')}",
        operation_id=f"ticket_{name.replace('-', '_')}",
        description=_DOCS[name],
    )
    hot(f"/v1/tickets/{{ticket_id}}/{name}", stepping, 1, 2**63 - 1)


for _name, _step in steps.TICKET_ACTIONS.items():
    _action_route(_name, _step)
