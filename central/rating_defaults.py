"""Default ratings (默认评价): a service left unrated when its rating period ends gets the
locality's default level (`Settings.rating_default_level`, None = no default), flagged
`is_default` and counted apart, dated at the end of the rating period (not at the time of the
sweep, so the result does not depend on when it ran).

The sweep runs in the server's periodic job (central.housekeeping), in small batches, never in
a read request; `rating_sweep.swept_until` keeps each batch to the services not yet swept.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, exists, select, text
from sqlalchemy.dialects import postgresql, sqlite

from central import audit, rollups
from central.context import Happening, SystemCtx
from central.hall_time import service_day
from central.schema import tickets, windows
from central.schema_ratings import rating_sweep, ratings
from central.settings import Settings
from central.store import Store

# Services given the default per write transaction: small enough that a batch holds the
# writer for a few milliseconds, so a ticket issued meanwhile is not kept waiting.
SWEEP_BATCH = 200
SWEEP_PAUSE_S = 0.005


def _swept_until(conn: Connection) -> datetime | None:
    value: datetime | None = conn.execute(
        select(rating_sweep.c.swept_until).where(rating_sweep.c.id == 1)
    ).scalar()
    return value


_DONE = text("tickets.status = 'done'")


def _unrated(since: datetime | None, cutoff: datetime, limit: int) -> Any:
    """The oldest services past their rating period without a rating, `limit` of them."""
    query = (
        select(
            tickets.c.id,
            tickets.c.number,
            tickets.c.service_day,
            tickets.c.finished_at,
            tickets.c.staff_no,
            tickets.c.window_no,
            windows.c.department_code,
        )
        .select_from(tickets.outerjoin(windows, windows.c.no == tickets.c.window_no))
        # 'done' written out, not bound: only then can SQLite use the partial index
        # ix_tickets_done_finished (WHERE status = 'done') instead of sorting every done ticket.
        # NOT EXISTS, not an outer join: PostgreSQL then walks that index in order and stops
        # at `limit` (1 ms on a year); with the join it hashed every rating (236 ms a batch).
        .where(
            _DONE,
            tickets.c.finished_at <= cutoff,
            ~exists().where(ratings.c.ticket_id == tickets.c.id),
        )
        .order_by(tickets.c.finished_at, tickets.c.id)
        .limit(limit)
    )
    if since is not None:
        query = query.where(tickets.c.finished_at > since)
    return query


def sweep_needed(conn: Connection, settings: Settings, now: datetime) -> bool:
    if settings.rating_default_level is None:
        return False
    cutoff = now - timedelta(days=settings.rating_window_days)
    since = _swept_until(conn)
    return since is None or since < cutoff


@dataclass(frozen=True)
class Batch:
    """The services one batch gives the default, as read: `since` is the watermark they were
    read after (the write checks it has not moved), `done` whether they are the last."""

    since: datetime | None
    cutoff: datetime
    rows: list[Any]
    done: bool


def pick_batch(conn: Connection, settings: Settings, now: datetime, limit: int) -> Batch | None:
    """The next batch, read (in a read transaction of its own, so the walk over the done
    tickets never holds the writer); None when the sweep has caught up or is off."""
    if settings.rating_default_level is None:
        return None
    cutoff = now - timedelta(days=settings.rating_window_days)
    since = _swept_until(conn)
    if since is not None and since >= cutoff:
        return None
    rows = list(conn.execute(_unrated(since, cutoff, limit)).all())
    return Batch(since=since, cutoff=cutoff, rows=rows, done=len(rows) < limit)


def store_batch(conn: Connection, ctx: Happening, settings: Settings, batch: Batch) -> int | None:
    """Store a picked batch in the caller's write transaction: the defaults, their roll-ups,
    the watermark, one audit row. None (nothing written) when the watermark moved since the
    batch was read — another sweep (a second central on the same database) stored it.

    A citizen can no longer rate these services (their rating period ended before they were
    read), so only another sweep could have given them a rating meanwhile: the watermark is
    that sweep's mark."""
    level = settings.rating_default_level
    if level is None or _swept_until(conn) != batch.since:
        return None
    rows = batch.rows
    window = timedelta(days=settings.rating_window_days)
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    if rows:
        conn.execute(
            dialect.insert(ratings).on_conflict_do_nothing(index_elements=["ticket_id"]),
            [
                {
                    "ticket_id": row.id,
                    "ticket_number": row.number,
                    "case_no": None,
                    "service_day": service_day(row.finished_at),
                    "finished_at": row.finished_at,
                    "staff_no": row.staff_no,
                    "window_no": row.window_no,
                    "department_code": row.department_code,
                    "level": level,
                    "reasons": [],
                    "comment": "",
                    "channel": "default",
                    "is_default": True,
                    "rated_at": row.finished_at + window,
                    "rated_by": None,
                }
                for row in rows
            ],
        )
        per_key: dict[tuple[Any, str, int], int] = {}
        for row in rows:
            k = (row.service_day, *rollups.key(row.staff_no, row.window_no))
            per_key[k] = per_key.get(k, 0) + 1
        rollups.bump_many(
            conn,
            [
                {"day": day, "staff_no": who, "window_no": at, "defaults": n}
                for (day, who, at), n in per_key.items()
            ],
        )
    # Caught up: up to the cutoff. Else just before the last one stored, so services finished
    # at that same instant and not yet given their default are still ahead of the watermark
    # (the ones given it have a rating now and are not read again).
    until = batch.cutoff if batch.done else rows[-1].finished_at - timedelta(microseconds=1)
    upsert = dialect.insert(rating_sweep).values(id=1, swept_until=until)
    conn.execute(upsert.on_conflict_do_update(index_elements=["id"], set_={"swept_until": until}))
    if rows:
        audit.record(
            conn,
            ctx,
            "rating.defaults",
            "rating",
            "defaults",
            before=None,
            after={
                "level": level,
                "count": len(rows),
                "until": until.isoformat(),
                "tickets": [row.id for row in rows],
            },
        )
    return len(rows)


def sweep_defaults(
    conn: Connection, ctx: Happening, settings: Settings, limit: int = SWEEP_BATCH
) -> tuple[int, bool]:
    """One batch of the default-rating sweep, read and stored in the caller's write
    transaction: the default level for up to `limit` of the oldest services whose rating
    period ended unrated. Returns (defaults stored, whether the sweep has caught up). The
    watermark `rating_sweep.swept_until` moves with each batch, so a sweep stopped half-way
    (a crash, a restart) goes on where its last committed batch ended; running it again adds
    nothing. (The periodic job reads each batch before its write transaction instead:
    central.sweep_pace.)"""
    batch = pick_batch(conn, settings, ctx.now, limit)
    if batch is None:
        return 0, True
    stored = store_batch(conn, ctx, settings, batch)
    return stored or 0, batch.done


def sweep(store: Store, limit: int = SWEEP_BATCH, max_batches: int | None = None) -> int:
    """The whole sweep, one short write transaction per batch (the periodic job runs this,
    never a read request). Returns the defaults stored."""
    settings = store.settings
    total = 0
    batches = 0
    with store.read() as conn:
        if not sweep_needed(conn, settings, store.now()):
            return 0
    while max_batches is None or batches < max_batches:
        with store.write() as conn:
            ctx = SystemCtx(now=store.now(), hall=store.hall, source="rating-sweep")
            stored, done = sweep_defaults(conn, ctx, settings, limit)
        total += stored
        batches += 1
        if done:
            break
        # Let a writer that queued behind this batch (a ticket, a call) go first: the
        # in-process writer connection is not handed out in order.
        time.sleep(SWEEP_PAUSE_S)
    return total
