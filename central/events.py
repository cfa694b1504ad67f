"""Live hall events: stored in the events table (so Last-Event-ID can resume) and streamed as SSE.

Events carry ids only; clients re-fetch what they show.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator
from typing import Any

import anyio
from sqlalchemy import Connection, bindparam, func, insert, select

from central.context import Ctx
from central.schema import events
from central.store import EVENTS_WRITTEN, Store
from client.models import Event

PAGE = 500


_INSERT = insert(events)


def _row(ctx: Ctx, type_: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": type_,
        "hall": ctx.hall,
        "at": ctx.now,
        "queue": fields.get("queue"),
        "ticket_id": fields.get("ticket_id"),
        "window_no": fields.get("window_no"),
        "object_id": fields.get("object_id"),
    }


def emit(
    conn: Connection,
    ctx: Ctx,
    type_: str,
    *,
    queue: str | None = None,
    ticket_id: int | None = None,
    window_no: int | None = None,
    object_id: str | None = None,
) -> None:
    """Store one event in the caller's transaction; streams wake when it commits."""
    fields = {"queue": queue, "ticket_id": ticket_id, "window_no": window_no}
    conn.execute(_INSERT, _row(ctx, type_, {**fields, "object_id": object_id}))
    conn.info[EVENTS_WRITTEN] = True


def emit_many(conn: Connection, ctx: Ctx, batch: list[tuple[str, dict[str, Any]]]) -> None:
    """Several events (type, fields as for emit) in one statement, stored in this order."""
    if batch:
        conn.execute(_INSERT, [_row(ctx, type_, fields) for type_, fields in batch])
        conn.info[EVENTS_WRITTEN] = True


def _event(row: Any) -> Event:
    return Event(
        id=row.id,
        type=row.type,
        hall=row.hall,
        at=row.at,
        queue=row.queue,
        ticket_id=row.ticket_id,
        window_no=row.window_no,
        object_id=row.object_id,
    )


_AFTER = (
    select(events)
    .where(events.c.id > bindparam("after"))
    .order_by(events.c.id)
    .limit(bindparam("limit"))
)


def events_after(conn: Connection, after: int, limit: int = PAGE) -> list[Event]:
    rows = conn.execute(_AFTER, {"after": after, "limit": limit}).all()
    return [_event(r) for r in rows]


def last_event_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one())


def format_sse(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {event.model_dump_json()}\n\n"


async def event_stream(store: Store, last_id: int | None) -> AsyncGenerator[str, None]:
    """The SSE body: replay events after `last_id` (None: only new ones), then follow live.

    Wakes on the in-process notifier, re-reads the table every `events_recheck_s` anyway (a
    write by another server process cannot wake this one), and sends `: ping` every
    `heartbeat_s` so proxies keep the stream open. Ends when the client goes away (the
    response is cancelled).
    """
    settings = store.settings

    def _read(after: int) -> list[Event]:
        with store.read() as conn:
            return events_after(conn, after)

    def _last() -> int:
        with store.read() as conn:
            return last_event_id(conn)

    cursor = last_id if last_id is not None else await anyio.to_thread.run_sync(_last)
    yield "retry: 3000\n\n"
    next_ping = time.monotonic() + settings.heartbeat_s
    while True:
        version = store.notifier.version
        batch = await anyio.to_thread.run_sync(_read, cursor)
        for event in batch:
            yield format_sse(event)
            cursor = event.id
        if len(batch) == PAGE:
            continue  # a long replay: keep reading before waiting
        timeout = min(settings.events_recheck_s, next_ping - time.monotonic())
        await store.notifier.wait(version, timeout)
        if time.monotonic() >= next_ping:
            yield ": ping\n\n"
            next_ping = time.monotonic() + settings.heartbeat_s
