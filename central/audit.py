"""The audit trail (步步留痕): who, when, from where, what changed. Append-only: there is no
update or delete here, and the database triggers refuse both."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from central.context import Happening
from central.schema import audit
from client.models import AuditRecord

# Built once: SQLAlchemy reuses its compiled form; each call only binds the values.
_INSERT = insert(audit)


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
    conn.execute(
        _INSERT,
        {
            "at": ctx.now,
            "actor": actor.staff_no if actor else None,
            "role": actor.role if actor else None,
            "window_no": window_no,
            "source": ctx.source,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "before": before,
            "after": after,
        },
    )


def search(
    conn: Connection,
    *,
    actor: str | None = None,
    object_ref: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 500,
) -> list[AuditRecord]:
    """Oldest first. `object_ref` is an object id ("12", "5") or "type:id" ("ticket:12")."""
    query = select(audit).order_by(audit.c.id).limit(limit)
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
