"""The audit trail (步步留痕): who, when, from where, what changed. Append-only: there is no
update or delete here, and the database triggers refuse both."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from central import paging
from central.context import Happening
from central.direct_insert import DirectInsert
from central.schema import audit
from client.models import AuditRecord

# Compiled once; on SQLite sent straight through the driver (central.direct_insert).
_INSERT = DirectInsert(
    audit,
    ("at", "actor", "role", "window_no", "source", "action", "object_type", "object_id",
     "before", "after"),
)  # fmt: skip


def record(
    conn: Connection,
    ctx: Happening,
    action: str,
    object_type: str,
    object_id: str | int,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    window_no: int | None = None,
) -> None:
    """One audit row, in the caller's transaction: it commits or rolls back with the change."""
    actor = ctx.actor
    _INSERT.run(
        conn,
        [(
            ctx.now,
            actor.staff_no if actor else None,
            actor.role if actor else None,
            window_no,
            ctx.source,
            action,
            object_type,
            str(object_id),
            before,
            after,
        )],
    )  # fmt: skip


def _filtered(
    actor: str | None, object_ref: str | None, start: datetime | None, end: datetime | None
) -> Any:
    query = select(audit)
    if actor:
        query = query.where(audit.c.actor == actor)
    if object_ref:
        kind, sep, ident = object_ref.partition(":")
        if sep:
            query = query.where(audit.c.object_type == kind, audit.c.object_id == ident)
        else:
            query = query.where(audit.c.object_id == object_ref)
    if start is not None:
        query = query.where(audit.c.at >= start)
    if end is not None:
        query = query.where(audit.c.at < end)
    return query


# Rows are appended as things happen, so ids follow time but for requests that overlapped:
# an id bound found from a time bound keeps this much slack.
_OVERLAP = timedelta(minutes=5)


def _first_id_from(conn: Connection, moment: datetime) -> int | None:
    """The lowest id of the rows at or after `moment` (through the time index)."""
    found = conn.execute(
        select(audit.c.id).where(audit.c.at >= moment).order_by(audit.c.at).limit(1)
    ).scalar()
    return int(found) if found is not None else None


def _id_bounds(query: Any, conn: Connection, start: datetime | None, end: datetime | None) -> Any:
    """Bound a time-filtered search by ids too, so a page of one day reads that day only and
    not the year before it (the planner cannot know that ids follow time). None: no rows."""
    if start is not None:
        first = _first_id_from(conn, start - _OVERLAP)
        if first is None:
            return None
        query = query.where(audit.c.id >= first)
    if end is not None:
        beyond = _first_id_from(conn, end + _OVERLAP)
        if beyond is not None:
            query = query.where(audit.c.id < beyond)
    return query


def search(
    conn: Connection,
    *,
    actor: str | None = None,
    object_ref: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    after: int | None = None,
    limit: int = 100,
) -> list[AuditRecord]:
    """Oldest first, ids above `after`. `object_ref` is an object id ("12", "5") or
    "type:id" ("ticket:12")."""
    query = _filtered(actor, object_ref, start, end).order_by(audit.c.id).limit(limit)
    if after is not None:
        query = query.where(audit.c.id > after)
    if not actor and not object_ref:
        query = _id_bounds(query, conn, start, end)
        if query is None:
            return []
    return [
        AuditRecord(
            id=r.id,
            at=r.at,
            actor=r.actor,
            role=r.role,
            window_no=r.window_no,
            source=r.source,
            action=r.action,
            object_type=r.object_type,
            object_id=r.object_id,
            before=r.before,
            after=r.after,
        )
        for r in conn.execute(query).all()
    ]


def count(
    conn: Connection,
    *,
    actor: str | None = None,
    object_ref: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> tuple[int, bool]:
    """How many rows the search matches (capped, see central.paging)."""
    query = _filtered(actor, object_ref, start, end).with_only_columns(audit.c.id)
    if not actor and not object_ref:
        query = _id_bounds(query, conn, start, end)
        if query is None:
            return 0, True
    return paging.capped_count(conn, query)
