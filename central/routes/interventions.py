"""Interventions at a window: call a named ticket (叫指定号)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from central import interventions
from central.deps import Idempotent
from central.errors import ACTION, require_text
from central.routes.windows import WindowNo
from client.models import CallTicketRequest, Ticket

router = APIRouter(prefix="/v1", tags=["windows"])


@router.post("/windows/{no}/call-ticket", response_model=Ticket, responses=ACTION)
def call_ticket(body: CallTicketRequest, act: Idempotent, no: int = WindowNo) -> Response:
    """Call one named waiting ticket to this window (叫指定号), out of call order. A clerk: at
    their own window, from a queue it serves; a supervisor: any waiting ticket, any signed-on
    window."""
    return act(
        body,
        lambda conn, ctx: interventions.call_ticket(
            conn, ctx, no, body.ticket_id, body.number, require_text("reason", body.reason)
        ),
    )
