"""Interventions at a window: call a named ticket (叫指定号)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import Connection

from central import interventions
from central.context import Ctx
from central.counter_answer import answered_at
from central.deps import Idempotent
from central.errors import ACTION, require_text
from central.routes.windows import WindowNo
from client.models import CallTicketRequest, Ticket, TicketAnswer

router = APIRouter(prefix="/v1", tags=["windows"])


@router.post("/windows/{no}/call-ticket", response_model=TicketAnswer, responses=ACTION)
def call_ticket(body: CallTicketRequest, act: Idempotent, no: int = WindowNo) -> Response:
    """Call one named waiting ticket to this window (叫指定号), out of call order. A clerk: at
    their own window, from a queue it serves; a supervisor: any waiting ticket, any signed-on
    window."""

    def call(conn: Connection, ctx: Ctx) -> Ticket:
        reason = require_text("reason", body.reason)
        return interventions.call_ticket(conn, ctx, no, body.ticket_id, body.number, reason)

    return act(body, answered_at(call, lambda _c, _t: no))
