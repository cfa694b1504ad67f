"""Interventions at a window: call a named ticket (叫指定号)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from central import idempotency, interventions
from central.context import Actor
from central.deps import current_actor, get_store, idempotency_key
from central.errors import ACTION, require_text
from central.routes.windows import WindowNo
from central.store import Store
from client.models import CallTicketRequest, Ticket

router = APIRouter(prefix="/v1", tags=["windows"])


@router.post("/windows/{no}/call-ticket", response_model=Ticket, responses=ACTION)
def call_ticket(
    body: CallTicketRequest,
    request: Request,
    no: int = WindowNo,
    actor: Actor = Depends(current_actor),
    store: Store = Depends(get_store),
    key: str | None = Depends(idempotency_key),
) -> Response:
    """Call one named waiting ticket to this window (叫指定号), out of call order. A clerk: at
    their own window, from a queue it serves; a supervisor: any waiting ticket, any signed-on
    window."""
    return idempotency.perform(
        request,
        store,
        actor,
        key,
        body,
        lambda conn, ctx: interventions.call_ticket(
            conn, ctx, no, body.ticket_id, body.number, require_text("reason", body.reason)
        ),
    )
