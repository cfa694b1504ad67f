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
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from central import events
from central.calendar import WorkCalendar
from central.context import Happening, SystemCtx
from central.escalation_ledger import current, deadline_flags, state_of
from central.escalations import EVENT
from central.hall_time import service_day
from central.reference import HallReference
from central.schema_escalations import escalation_alerts, escalation_steps
from central.store import Store
from client.escalation_models import OPEN_STATUSES

log = logging.getLogger("central.escalations")


def check_deadlines(conn: Connection, ctx: Happening, calendar: WorkCalendar) -> list[str]:
    """Announce (escalation.changed) each open escalation that became due soon or overdue.

    Each (escalation, kind, due date) is announced once: the alert row is inserted with
    ON CONFLICT DO NOTHING, so two server processes checking at once announce it once.
    Answers the ledger numbers announced.
    """
    today = service_day(ctx.now)
    horizon = calendar.add_working_days(today, 1).date
    rows = (
        conn.execute(
            current().where(
                escalation_steps.c.status.in_(OPEN_STATUSES),
                escalation_steps.c.due_date <= horizon,
            )
        )
        .mappings()
        .all()
    )
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    announced: list[str] = []
    for row in rows:
        state = state_of(row)
        flags = deadline_flags(calendar, state["status"], state["due_date"], today)
        kind = "overdue" if flags.overdue else "due_soon" if flags.due_soon else None
        if kind is None:
            continue
        inserted = conn.execute(
            dialect.insert(escalation_alerts)
            .values(escalation_id=row["id"], kind=kind, due_date=state["due_date"], at=ctx.now)
            .on_conflict_do_nothing()
        )
        if inserted.rowcount == 1:
            events.emit(conn, ctx, EVENT, object_id=row["no"])
            announced.append(str(row["no"]))
    return announced


def check_now(store: Store, reference: HallReference) -> list[str]:
    """One deadline check (what the watcher runs periodically); the numbers announced."""
    ctx = SystemCtx(now=store.now(), hall=store.hall, source="deadline-check")
    with store.write() as conn:
        return check_deadlines(conn, ctx, reference.calendar)


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
