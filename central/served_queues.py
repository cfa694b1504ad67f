"""Which queues a window serves, and in what priority: a supervisor sets them for good or for
the rest of today, and the next day a window changed for the day serves its usual set again
(the alert watch calls restore_usual_queues). Each step runs in the caller's write transaction
with its audit row and its `window.changed` event, like the other window steps (central.windows).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select

from central import audit
from central.context import Ctx, Happening
from central.errors import Forbidden, Invalid
from central.events import emit_many
from central.hall_time import service_day
from central.schema import queues, window_queues
from central.schema_supervision import window_queue_restores
from central.windows import find_window
from client.models import WindowQueue

_QUEUE_PREFIXES = select(queues.c.prefix).order_by(queues.c.prefix)
_SERVED = select(window_queues.c.queue_prefix, window_queues.c.priority).order_by(
    window_queues.c.priority, window_queues.c.queue_prefix
)


def _served(conn: Connection, no: int) -> list[list[Any]]:
    rows = conn.execute(_SERVED.where(window_queues.c.window_no == no)).all()
    return [[r.queue_prefix, r.priority] for r in rows]


def _write_served(conn: Connection, no: int, pairs: list[list[Any]]) -> None:
    conn.execute(delete(window_queues).where(window_queues.c.window_no == no))
    if pairs:
        conn.execute(
            insert(window_queues),
            [{"window_no": no, "queue_prefix": p, "priority": pr} for p, pr in pairs],
        )


def set_window_queues(
    conn: Connection, ctx: Ctx, no: int, wanted: list[WindowQueue], for_good: bool
) -> None:
    """The queues window `no` serves and their priorities: for good, or for the rest of today
    (its usual set comes back the next day)."""
    actor = ctx.actor
    if not actor.is_supervisor:
        raise Forbidden(
            "Only a supervisor can change which queues a window serves.",
            reason="supervisor_sets_window_queues",
        )
    find_window(conn, no)
    known = set(conn.execute(_QUEUE_PREFIXES).scalars())
    pairs: list[list[Any]] = []
    for q in wanted:
        prefix = q.prefix.strip().upper()
        if prefix not in known:
            raise Invalid(
                f"There is no queue {q.prefix!r}; "
                f"this hall's queues are {', '.join(sorted(known))}.",
                fields={"queues": "unknown queue"},
                reason="no_queue_hall_s_queues",
                params={"queue": q.prefix, "known": ", ".join(sorted(known))},
            )
        if q.priority < 1:
            raise Invalid(
                "A priority is 1 or more (1 is served first).",
                fields={"queues": "priority"},
                reason="queue_priority_positive",
            )
        if any(p == prefix for p, _ in pairs):
            raise Invalid(
                f"Queue {prefix} is listed twice.",
                fields={"queues": "duplicate"},
                reason="queue_listed_twice",
                params={"queue": prefix},
            )
        pairs.append([prefix, q.priority])
    before = _served(conn, no)
    restore = conn.execute(
        select(window_queue_restores).where(window_queue_restores.c.window_no == no)
    ).first()
    if for_good:
        conn.execute(delete(window_queue_restores).where(window_queue_restores.c.window_no == no))
    elif restore is None:
        conn.execute(
            insert(window_queue_restores),
            {"window_no": no, "usual": before, "until_day": service_day(ctx.now)},
        )
    _write_served(conn, no, pairs)
    audit.record(
        conn,
        ctx,
        "window.queues",
        "window",
        no,
        before={"queues": before},
        after={"queues": pairs, "for_good": for_good},
        window_no=no,
    )
    emit_many(conn, ctx, [("window.changed", {"window_no": no})])


def restore_usual_queues(conn: Connection, ctx: Happening) -> list[int]:
    """Windows whose queues were changed for a day that has ended serve their usual set again."""
    today = service_day(ctx.now)
    due = conn.execute(
        select(window_queue_restores).where(window_queue_restores.c.until_day < today)
    ).all()
    for r in due:
        before = _served(conn, r.window_no)
        _write_served(conn, r.window_no, [list(p) for p in r.usual])
        conn.execute(
            delete(window_queue_restores).where(window_queue_restores.c.window_no == r.window_no)
        )
        audit.record(
            conn,
            ctx,
            "window.queues_restored",
            "window",
            r.window_no,
            before={"queues": before},
            after={"queues": r.usual},
            window_no=r.window_no,
        )
        emit_many(conn, ctx, [("window.changed", {"window_no": r.window_no})])
    return [r.window_no for r in due]
