"""The escalation deadline watcher: while the app serves, a background check announces, at most
every `Settings.escalation_check_s`, each escalation that became due soon or overdue
(`escalation.changed`), so boards and lists re-fetch without polling.

Each alert is stored once (escalation_alerts), so several server processes watching the same
database announce it once between them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread

from central import escalations as ledger
from central.context import SystemCtx
from central.reference import HallReference
from central.store import Store

log = logging.getLogger("central.escalations")


def check_now(store: Store, reference: HallReference) -> list[str]:
    """One deadline check (what the watcher runs periodically); the numbers announced."""
    ctx = SystemCtx(now=store.now(), hall=store.hall, source="deadline-check")
    with store.write() as conn:
        return ledger.check_deadlines(conn, ctx, reference.calendar)


async def _watch(store: Store, reference: HallReference) -> None:
    interval = store.settings.escalation_check_s
    while True:
        try:
            await anyio.to_thread.run_sync(check_now, store, reference)
        except Exception:  # a failed check must not end the app; the next one tries again
            log.exception("escalation deadline check failed")
        await anyio.sleep(interval)


@asynccontextmanager
async def watching(store: Store, reference: HallReference) -> AsyncIterator[None]:
    """Runs the deadline check in the background for as long as the block runs (the app's
    lifespan); `escalation_check_s <= 0` turns it off."""
    if store.settings.escalation_check_s <= 0:
        yield
        return
    async with anyio.create_task_group() as group:
        group.start_soon(_watch, store, reference)
        try:
            yield
        finally:
            group.cancel_scope.cancel()
