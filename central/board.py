"""The hall board: every window and every queue as a supervisor sees them, today's figures.

Today's tickets are read once and summed here (a day is at most ~10,000 rows); the live parts
(who is signed on, current tickets, waiting counts) come from the same reads as GET /v1/hall.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, func, select

from central.hall import queue_stats, window_models
from central.hall_time import service_day
from central.schema import hall, tickets, windows
from central.schema_ratings import ratings
from central.schema_supervision import alerts
from central.settings import Settings
from client.supervisor_models import Board, BoardQueue, BoardWindow

_TODAY = select(
    tickets.c.queue_prefix,
    tickets.c.status,
    tickets.c.issued_at,
    tickets.c.called_at,
    tickets.c.started_at,
    tickets.c.finished_at,
    tickets.c.window_no,
)
_RATED = (
    select(ratings.c.window_no, ratings.c.level, func.count().label("n"))
    .where(ratings.c.is_default.is_(False))
    .group_by(ratings.c.window_no, ratings.c.level)
)
_PAUSED = select(windows.c.no, windows.c.updated_at).where(windows.c.pause_reason.is_not(None))
_OPEN_ALERTS = select(func.count()).select_from(alerts).where(alerts.c.acked_at.is_(None))


def warn_level(settings: Settings, prefix: str) -> int:
    return settings.queue_warn_levels.get(prefix, settings.queue_warn_level)


def _mean(values: list[float]) -> int | None:
    return round(sum(values) / len(values)) if values else None


def board(conn: Connection, now: datetime, settings: Settings) -> Board:
    day = service_day(now)
    handling: dict[int, list[float]] = defaultdict(list)
    waits: dict[str, list[float]] = defaultdict(list)
    no_shows: dict[str, int] = defaultdict(int)
    for t in conn.execute(_TODAY.where(tickets.c.service_day == day)).all():
        if t.called_at is not None:
            waits[t.queue_prefix].append((t.called_at - t.issued_at).total_seconds())
        if t.status == "missed":
            no_shows[t.queue_prefix] += 1
        if t.status == "done" and t.started_at and t.finished_at and t.window_no is not None:
            handling[t.window_no].append((t.finished_at - t.started_at).total_seconds())
    rated: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # window → [rated, satisfied]
    for r in conn.execute(_RATED.where(ratings.c.service_day == day)).all():
        if r.window_no is not None:
            rated[r.window_no][0] += r.n
            rated[r.window_no][1] += r.n if r.level >= 3 else 0
    paused = {r.no: r.updated_at for r in conn.execute(_PAUSED).all()}
    board_windows = []
    for w in window_models(conn, now):
        current = w.current_ticket
        since = (current.started_at or current.called_at) if current else None
        n_rated, n_satisfied = rated.get(w.no, [0, 0])
        board_windows.append(
            BoardWindow(
                **w.model_dump(exclude={"current_ticket"}),
                current_ticket=current,
                paused_since=paused.get(w.no),
                current_since=since,
                avg_handling_s=_mean(handling.get(w.no, [])),
                rated_today=n_rated,
                satisfaction=(n_satisfied / n_rated) if n_rated else None,
            )
        )
    board_queues = [
        BoardQueue(
            prefix=q.prefix,
            name=q.name,
            waiting=q.waiting,
            longest_wait_s=q.longest_wait_s,
            avg_wait_s=_mean(waits.get(q.prefix, [])),
            issued_today=q.issued_today,
            served_today=q.served_today,
            no_shows_today=no_shows.get(q.prefix, 0),
            warn_level=warn_level(settings, q.prefix),
        )
        for q in queue_stats(conn, now).queues
    ]
    name = conn.execute(select(hall.c.name)).scalar() or ""
    return Board(
        as_of=now,
        hall_name=name,
        windows=board_windows,
        queues=board_queues,
        open_alerts=int(conn.execute(_OPEN_ALERTS).scalar_one()),
    )
