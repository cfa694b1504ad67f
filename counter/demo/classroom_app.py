"""Opening a classroom on a demo central: the classroom (counter.demo.classroom) kept on the
app, its routes (counter.demo.classroom_routes) added, and its simulated hall started and stopped
inside the central's own lifespan. Here, above both, so the classroom never imports its routes.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from counter.demo.classroom import Classroom
from counter.demo.hall import _account
from counter.demo.scenario import Scenario


def classroom_lifespan(
    app: Any, classroom: Classroom, after: Callable[[], None]
) -> Callable[[Any], contextlib.AbstractAsyncContextManager[None]]:
    """The central's own lifespan, with the classroom started inside it and stopped first;
    `after` runs once the central has let go of its database (uvicorn ends the process on the
    signal it stopped for, so nothing after the server's run is reached then)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: Any) -> AsyncIterator[None]:
        try:
            async with inner(served):
                await classroom.start()
                try:
                    yield
                finally:
                    await classroom.aclose()
        finally:
            after()

    return lifespan


def make_classroom(
    app: Any,
    *,
    seed: int,
    speed: float,
    trainees: list[str],
    assignments: dict[str, Scenario],
    simulate: bool = True,
    after: Callable[[], None] = lambda: None,
) -> Classroom:
    """Turn a freshly built demo central into a classroom (before it is served)."""
    from central.hall_seed import demo_accounts
    from counter.demo.classroom_routes import router

    # The simulated hall's own requests (hundreds a minute, in-process) are no news in the log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    accounts = [_account(raw) for raw in demo_accounts()]
    classroom = Classroom(
        app, seed=seed, speed=speed, trainees=trainees, accounts=accounts, simulate=simulate
    )
    for staff_no, scenario in assignments.items():
        classroom.assign_now(staff_no, scenario)
    app.state.classroom = classroom
    with warnings.catch_warnings():
        # FastAPI's body parameters trip a pydantic notice about 'alias' (no effect on them).
        warnings.simplefilter("ignore")
        app.include_router(router)
    app.router.lifespan_context = classroom_lifespan(app, classroom, after)
    return classroom
