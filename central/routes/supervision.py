"""The supervisor's console: the hall board, alerts, and interventions on tickets and windows.

The alert check that runs in the background is central.alert_watch.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import Connection

from central import alerts, callbacks, interventions, served_queues
from central import tickets as engine
from central.board import board
from central.context import Ctx
from central.deps import Idempotent, Reference, StoreDep, Supervisor
from central.errors import ACTION, AUTHED, AUTHED_404, Invalid
from central.hall import window_model
from central.hall_time import service_day
from central.params import Day
from central.routes.tickets import TicketId
from central.routes.windows import WindowNo
from central.store import Store
from client.models import Ticket, Window
from client.rating_models import VerifyRequest
from client.supervisor_models import (
    Alert,
    AlertList,
    Board,
    Callback,
    CallbackDay,
    CallbackRecord,
    CallbackRectify,
    MoveRequest,
    WindowQueuesRequest,
)

router = APIRouter(prefix="/v1", tags=["supervisor"])
AlertId = Path(ge=1, lt=2**63, description="the alert's id")


@router.get("/board", response_model=Board, responses=AUTHED)
def get_board(_actor: Supervisor, store: StoreDep) -> Board:
    """The hall board: every window and queue with today's figures, and the open alerts count."""
    with store.read() as conn:
        return board(conn, store.now(), store.settings)


@router.get("/board/tickets/{number}", response_model=Ticket, responses=AUTHED_404)
def ticket_by_number(
    actor: Supervisor,
    store: StoreDep,
    number: str = Path(min_length=1, max_length=16, description="today's number, e.g. A012"),
) -> Ticket:
    """Today's ticket with this number (a supervisor acts on tickets by the number they see)."""
    with store.read() as conn:
        ctx = Ctx(actor=actor, now=store.now(), hall=store.hall)
        return engine.get_ticket(conn, interventions.find_ticket_id(conn, ctx, None, number))


@router.get("/alerts", response_model=AlertList, responses=AUTHED)
def get_alerts(
    _actor: Supervisor,
    store: StoreDep,
    open_only: bool = Query(default=False, alias="open", description="only unacknowledged"),
    limit: int = Query(default=200, ge=1, le=1000),
) -> AlertList:
    """Alerts, newest first."""
    with store.read() as conn:
        return alerts.list_alerts(conn, open_only, limit)


@router.post("/alerts/{alert_id}/acknowledge", response_model=Alert, responses=ACTION)
def acknowledge(_actor: Supervisor, act: Idempotent, alert_id: int = AlertId) -> Response:
    """Acknowledge an alert (audited); again: nothing changes."""
    return act(None, lambda conn, ctx: alerts.acknowledge(conn, ctx, alert_id))


@router.post("/tickets/{ticket_id}/move", response_model=Ticket, responses=ACTION)
def move(
    body: MoveRequest, _actor: Supervisor, act: Idempotent, ticket_id: int = TicketId
) -> Response:
    """Supervisor: a waiting ticket waits in another queue or for one window, keeping its
    arrival time."""
    return act(
        body,
        lambda conn, ctx: interventions.move_waiting(
            conn, ctx, ticket_id, body.queue, body.window_no
        ),
    )


@router.post("/windows/{no}/queues", response_model=Window, responses=ACTION)
def set_queues(
    body: WindowQueuesRequest, _actor: Supervisor, act: Idempotent, no: int = WindowNo
) -> Response:
    """Supervisor: which queues the window serves and their priorities, today or for good."""

    def step(conn: Connection, ctx: Ctx) -> Window:
        served_queues.set_window_queues(conn, ctx, no, body.queues, body.for_good)
        return window_model(conn, no, ctx.now)

    return act(body, step)


# --- 回访 callbacks ------------------------------------------------------------------------------

CallbackId = Path(ge=1, lt=2**63, description="the callback's id")
DayParam = Query(default=None, alias="date", description="hall-local day; today")


def _day(store: Store, day: date | None) -> date:
    today = service_day(store.now())
    day = day or today
    if day > today:
        raise Invalid(
            "There are no callbacks for a day still to come.",
            fields={"date": "not after today"},
            reason="callback_day_future",
        )
    return day


@router.get("/callbacks", response_model=CallbackDay, responses=AUTHED)
def get_callbacks(_actor: Supervisor, store: StoreDep, day: Day | None = DayParam) -> CallbackDay:
    """The day's callback sample with what each call found, and the day's callback rate."""
    wanted = _day(store, day)
    with store.read() as conn:
        return callbacks.day_summary(conn, wanted, today=service_day(store.now()))


@router.get("/callbacks/complaints", response_model=list[Callback], responses=AUTHED)
def get_complaints(
    _actor: Supervisor,
    store: StoreDep,
    open_only: bool = Query(default=False, alias="open", description="pending or upheld only"),
    limit: int = Query(default=200, ge=1, le=500),
) -> list[Callback]:
    """Dissatisfied callbacks in the 差评 loop (shown in the 差评 queue beside the ratings):
    open ones first (pending, then upheld by due date), or all, newest first."""
    with store.read() as conn:
        today = service_day(store.now())
        return callbacks.complaints(conn, today, open_only=open_only, limit=limit)


@router.post("/callbacks/draw", response_model=CallbackDay, responses=ACTION)
def draw_callbacks(
    _actor: Supervisor, act: Idempotent, store: StoreDep, day: Day | None = DayParam
) -> Response:
    """Top the day's sample up to at least 10 % of its finished services (reproducible)."""
    wanted = _day(store, day)

    def step(conn: Connection, ctx: Ctx) -> CallbackDay:
        callbacks.draw(conn, ctx, wanted)
        return callbacks.day_summary(conn, wanted, today=service_day(ctx.now))

    return act(None, step)


@router.post("/callbacks/{callback_id}/record", response_model=Callback, responses=ACTION)
def record_callback(
    body: CallbackRecord,
    _actor: Supervisor,
    act: Idempotent,
    callback_id: int = CallbackId,
) -> Response:
    """What the call found (reached, satisfied, note); a dissatisfied one may go into the 差评
    queue, pending verification like a citizen's 差评."""
    return act(body, lambda conn, ctx: callbacks.record(conn, ctx, callback_id, body))


@router.post("/callbacks/{callback_id}/verify", response_model=Callback, responses=ACTION)
def verify_callback(
    body: VerifyRequest,
    _actor: Supervisor,
    act: Idempotent,
    store: StoreDep,
    ref: Reference,
    callback_id: int = CallbackId,
) -> Response:
    """核实 of a dissatisfied callback: 属实 opens a rectification due in working days (the
    hall's rectification days unless given); 不属实 / 误评 close it."""
    days = store.settings.rating_rectify_days
    return act(
        body, lambda conn, ctx: callbacks.verify(conn, ctx, callback_id, body, ref.calendar, days)
    )


@router.post("/callbacks/{callback_id}/rectify", response_model=Callback, responses=ACTION)
def rectify_callback(
    body: CallbackRectify, _actor: Supervisor, act: Idempotent, callback_id: int = CallbackId
) -> Response:
    """Record how the upheld dissatisfied callback's rectification was done."""
    return act(body, lambda conn, ctx: callbacks.rectify(conn, ctx, callback_id, body.note))
