"""The supervisor's console: the hall board, alerts, and interventions on tickets and windows.

The lifespan runs the alert check every `alert_check_s` (and puts back windows' usual queues
once a "today only" change has had its day).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request, Response
from sqlalchemy import Connection

from central import alerts, callbacks, idempotency, interventions
from central import queue_engine as engine
from central.board import board
from central.context import Actor, Ctx
from central.deps import get_store, idempotency_key, require_roles
from central.errors import ACTION, AUTHED, AUTHED_404, Invalid
from central.hall_time import service_day
from central.hall_view import window_model
from central.routes.catalog import HallReference, get_reference
from central.routes.tickets import TicketId
from central.routes.windows import WindowNo
from central.store import Store
from client.models import Ticket, Window
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

log = logging.getLogger("central.alerts")


def check_now(store: Store) -> list[int]:
    """One alert check (what the lifespan runs periodically); the ids of the alerts raised."""
    ctx = Ctx(actor=None, now=store.now(), hall=store.hall, source="alert-check")
    with store.write() as conn:
        interventions.restore_usual_queues(conn, ctx)
        callbacks.draw(conn, ctx, service_day(ctx.now))
        return alerts.check(conn, ctx, store.settings)


async def _watch(store: Store) -> None:
    while True:
        try:
            await anyio.to_thread.run_sync(check_now, store)
        except Exception:  # a failed check must not end the app; the next one tries again
            log.exception("alert check failed")
        await anyio.sleep(store.settings.alert_check_s)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    store: Store = app.state.store
    async with anyio.create_task_group() as group:
        group.start_soon(_watch, store)
        try:
            yield
        finally:
            group.cancel_scope.cancel()


router = APIRouter(prefix="/v1", tags=["supervisor"], lifespan=lifespan)
_supervisors = require_roles("supervisor", "admin")
AlertId = Path(ge=1, le=2**63 - 1, description="the alert's id")


@router.get("/board", response_model=Board, responses=AUTHED)
def get_board(actor: Actor = Depends(_supervisors), store: Store = Depends(get_store)) -> Board:
    """The hall board: every window and queue with today's figures, and the open alerts count."""
    with store.read() as conn:
        return board(conn, store.now(), store.settings)


@router.get("/board/tickets/{number}", response_model=Ticket, responses=AUTHED_404)
def ticket_by_number(
    number: str = Path(min_length=1, max_length=16, description="today's number, e.g. A012"),
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
) -> Ticket:
    """Today's ticket with this number (a supervisor acts on tickets by the number they see)."""
    with store.read() as conn:
        ctx = Ctx(actor=actor, now=store.now(), hall=store.hall)
        return engine.get_ticket(conn, interventions.find_ticket_id(conn, ctx, None, number))


@router.get("/alerts", response_model=AlertList, responses=AUTHED)
def get_alerts(
    open_only: bool = Query(default=False, alias="open", description="only unacknowledged"),
    limit: int = Query(default=200, ge=1, le=1000),
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
) -> AlertList:
    """Alerts, newest first."""
    with store.read() as conn:
        return alerts.list_alerts(conn, open_only, limit)


@router.post("/alerts/{alert_id}/acknowledge", response_model=Alert, responses=ACTION)
def acknowledge(
    request: Request,
    alert_id: int = AlertId,
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
    key: str | None = Depends(idempotency_key),
) -> Response:
    """Acknowledge an alert (audited); again: nothing changes."""
    return idempotency.perform(
        request, store, actor, key, None, lambda conn, ctx: alerts.acknowledge(conn, ctx, alert_id)
    )


@router.post("/tickets/{ticket_id}/move", response_model=Ticket, responses=ACTION)
def move(
    body: MoveRequest,
    request: Request,
    ticket_id: int = TicketId,
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
    key: str | None = Depends(idempotency_key),
) -> Response:
    """Supervisor: a waiting ticket waits in another queue or for one window, keeping its
    arrival time."""
    return idempotency.perform(
        request,
        store,
        actor,
        key,
        body,
        lambda conn, ctx: interventions.move_waiting(
            conn, ctx, ticket_id, body.queue, body.window_no
        ),
    )


@router.post("/windows/{no}/queues", response_model=Window, responses=ACTION)
def set_queues(
    body: WindowQueuesRequest,
    request: Request,
    no: int = WindowNo,
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
    key: str | None = Depends(idempotency_key),
) -> Response:
    """Supervisor: which queues the window serves and their priorities, today or for good."""

    def step(conn: Connection, ctx: Ctx) -> Window:
        interventions.set_window_queues(conn, ctx, no, body.queues, body.for_good)
        return window_model(conn, no, ctx.now)

    return idempotency.perform(request, store, actor, key, body, step)


# --- 回访 callbacks ------------------------------------------------------------------------------

CallbackId = Path(ge=1, le=2**63 - 1, description="the callback's id")


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
def get_callbacks(
    day: date | None = Query(default=None, alias="date", description="hall-local day; today"),
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
) -> CallbackDay:
    """The day's callback sample with what each call found, and the day's callback rate."""
    wanted = _day(store, day)
    with store.read() as conn:
        return callbacks.day_summary(conn, wanted)


@router.post("/callbacks/draw", response_model=CallbackDay, responses=ACTION)
def draw_callbacks(
    request: Request,
    day: date | None = Query(default=None, alias="date", description="hall-local day; today"),
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
    key: str | None = Depends(idempotency_key),
) -> Response:
    """Top the day's sample up to at least 10 % of its finished services (reproducible)."""
    wanted = _day(store, day)

    def step(conn: Connection, ctx: Ctx) -> CallbackDay:
        callbacks.draw(conn, ctx, wanted)
        return callbacks.day_summary(conn, wanted)

    return idempotency.perform(request, store, actor, key, None, step)


@router.post("/callbacks/{callback_id}/record", response_model=Callback, responses=ACTION)
def record_callback(
    body: CallbackRecord,
    request: Request,
    callback_id: int = CallbackId,
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
    ref: HallReference = Depends(get_reference),
    key: str | None = Depends(idempotency_key),
) -> Response:
    """What the call found (reached, satisfied, note); a dissatisfied one may open a
    rectification due in the hall's rectification days (as an upheld 差评)."""
    days = store.settings.rating_rectify_days
    return idempotency.perform(
        request, store, actor, key, body,
        lambda conn, ctx: callbacks.record(conn, ctx, callback_id, body, ref.calendar, days),
    )  # fmt: skip


@router.post("/callbacks/{callback_id}/rectify", response_model=Callback, responses=ACTION)
def rectify_callback(
    body: CallbackRectify,
    request: Request,
    callback_id: int = CallbackId,
    actor: Actor = Depends(_supervisors),
    store: Store = Depends(get_store),
    key: str | None = Depends(idempotency_key),
) -> Response:
    """Record how the dissatisfied callback's rectification was done."""
    return idempotency.perform(
        request, store, actor, key, body,
        lambda conn, ctx: callbacks.rectify(conn, ctx, callback_id, body.note),
    )  # fmt: skip
