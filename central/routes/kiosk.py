"""The ticket kiosk's reads and appointments (预约).

    GET  /v1/kiosk                   the kiosk's queues: waiting, daily cap reached?
    GET  /v1/kiosk/slips?after=ID   today's slips this kiosk issued since (counter kiosk-print)
    GET  /v1/kiosk/slips/{ticket_id} the slip to print for a ticket it issued
    POST /v1/appointments            book a slot (supervisor or the hall's booking system)
    POST /v1/appointments/check-in   at the kiosk: code or phone → an appointment ticket's slip

Issuing a walk-in or green-channel ticket is `POST /v1/tickets` (routes/tickets.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from central import kiosk
from central.context import Actor
from central.deps import Idempotent, StoreDep
from central.devices import device_page
from central.errors import ACTION, AUTHED, AUTHED_404
from client.device_models import (
    Appointment,
    AppointmentRequest,
    CheckInRequest,
    KioskView,
    TicketSlip,
)

router = APIRouter(prefix="/v1", tags=["kiosk"])

Kiosk = Annotated[Actor, Depends(device_page("kiosk"))]


@router.get("/kiosk", response_model=KioskView, responses=AUTHED)
def get_kiosk(_actor: Kiosk, store: StoreDep) -> KioskView:
    """Every queue with its waiting count; `full` when its daily cap is reached."""
    with store.read() as conn:
        return kiosk.kiosk_view(conn, store.now())


@router.get("/kiosk/slips", response_model=list[TicketSlip], responses=AUTHED)
def get_new_slips(
    actor: Kiosk, store: StoreDep, after: int = Query(default=0, ge=0, le=2**63 - 1)
) -> list[TicketSlip]:
    """Today's tickets this kiosk issued after ticket `after`, oldest first (at most 50):
    what `counter kiosk-print` prints on the box's receipt printer."""
    with store.read() as conn:
        return kiosk.issued_by(conn, actor.staff_no, store.now(), after)


@router.get("/kiosk/slips/{ticket_id}", response_model=TicketSlip, responses=AUTHED_404)
def get_slip(
    _actor: Kiosk, store: StoreDep, ticket_id: int = Path(ge=1, le=2**63 - 1)
) -> TicketSlip:
    """Number, queue, people waiting ahead, time issued and what to bring."""
    with store.read() as conn:
        return kiosk.slip(conn, ticket_id)


@router.post("/appointments", response_model=Appointment, status_code=201, responses=ACTION)
def book(body: AppointmentRequest, act: Idempotent) -> Response:
    """Book a queue's time slot; the answer's `code` is what the citizen types at the kiosk."""
    return act(body, lambda conn, ctx: kiosk.book(conn, ctx, body), status=201)


@router.post("/appointments/check-in", response_model=TicketSlip, responses=ACTION)
def check_in(body: CheckInRequest, act: Idempotent) -> Response:
    """At the kiosk: the appointment whose slot has come becomes an appointment ticket.
    409 before the slot (it says from when), after it, or when checked in already."""
    return act(body, lambda conn, ctx: kiosk.check_in(conn, ctx, body))
