"""The supervisor's alert watcher: while the app serves, the alert check runs every
`Settings.alert_check_s` (and puts back windows' usual queues once a "today only" change has
had its day, and draws the day's 回访 callback sample)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread

from central import alerts, callbacks, served_queues
from central.context import SystemCtx
from central.hall_time import service_day
from central.store import Store

log = logging.getLogger("central.alerts")


def check_now(store: Store) -> list[int]:
    """One alert check (what the watcher runs periodically); the ids of the alerts raised."""
    ctx = SystemCtx(now=store.now(), hall=store.hall, source="alert-check")
    with store.write() as conn:
        served_queues.restore_usual_queues(conn, ctx)
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
async def watching(store: Store) -> AsyncIterator[None]:
    """Runs the alert check in the background for as long as the block runs (the lifespan)."""
    async with anyio.create_task_group() as group:
        group.start_soon(_watch, store)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
