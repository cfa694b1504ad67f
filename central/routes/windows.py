"""Windows: read one; sign on/off, pause/resume, call the next ticket."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Path, Response
from sqlalchemy import Connection

from central import tickets as engine
from central import windows as window_steps
from central.context import Ctx
from central.counter_answer import answered_at
from central.deps import CurrentActor, Idempotent, IdempotentRun, StoreDep
from central.errors import ACTION, AUTHED_404
from central.hall import window_model
from central.hot_routes import hot
from central.idempotency import Step
from central.pg_call_ahead import call_ahead
from client.models import PauseRequest, TicketAnswer, Window

router = APIRouter(prefix="/v1", tags=["windows"])

WindowNo = Path(ge=0, le=2**31 - 1, description="the window's number")


@router.get("/windows/{no}", response_model=Window, responses=AUTHED_404)
def get_window(_actor: CurrentActor, store: StoreDep, no: int = WindowNo) -> Window:
    with store.read() as conn:
        return window_model(conn, no, store.now())


async def _window_step(
    act: IdempotentRun,
    no: int,
    body: PauseRequest | None,
    step: Callable[[Connection, Ctx], None],
) -> Response:
    """Run a window step and answer with the window as it is afterwards."""

    def step_and_window(conn: Connection, ctx: Ctx) -> Window:
        step(conn, ctx)
        return window_model(conn, no, ctx.now)

    return await act.on_writer(body, step_and_window)


@router.post("/windows/{no}/pause", response_model=Window, responses=ACTION)
async def pause(body: PauseRequest, act: Idempotent, no: int = WindowNo) -> Response:
    """Pause (暂停) with a reason; only when no ticket is called or in service at the window."""
    return await _window_step(
        act, no, body, lambda conn, ctx: window_steps.pause(conn, ctx, no, body.reason, body.note)
    )


_DOCS = {
    "sign-on": "Sign on at this window. Again by the same person: nothing changes.",
    "sign-off": "Sign off; refused while a ticket is called or in service here.",
    "resume": "End a pause.",
}
_STEPS: dict[str, Callable[[Connection, Ctx, int], None]] = {
    "sign-on": window_steps.sign_on,
    "sign-off": window_steps.sign_off,
    "resume": window_steps.resume,
}


def _step_route(name: str, step: Callable[[Connection, Ctx, int], None]) -> None:
    async def endpoint(act: Idempotent, no: int = WindowNo) -> Response:
        return await _window_step(act, no, None, lambda conn, ctx: step(conn, ctx, no))

    router.add_api_route(
        f"/windows/{{no}}/{name}",
        endpoint,
        methods=["POST"],
        response_model=Window,
        responses=ACTION,
        name=f"window_{name.replace('-', '_')}",
        operation_id=f"window_{name.replace('-', '_')}",
        description=_DOCS[name],
    )


for _name, _step in _STEPS.items():
    _step_route(_name, _step)


@router.post(
    "/windows/{no}/call-next",
    response_model=TicketAnswer,
    responses={**ACTION, 204: {"description": "nothing waits for this window"}},
)
async def call_next(act: Idempotent, no: int = WindowNo) -> Response:
    """Call the next ticket (叫号): green channel, due appointments, queue priority, arrival."""
    return await act.on_writer(None, _calling(no))


def _calling(no: int) -> Step:
    """Call-next's step at window `no` (nothing waiting: None, answered 204)."""
    return answered_at(
        lambda conn, ctx: engine.call_next(conn, ctx, no),
        lambda _c, _t: no,
        lambda ctx: call_ahead(ctx.actor, no, ctx.now),
    )


hot("/v1/windows/{no}/call-next", _calling, 0, 2**31 - 1)  # the counter's F2, in a burst
