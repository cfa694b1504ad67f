"""The hall right now, as wire models: its departments, queues and windows (GET /v1/hall, in
central.routes.hall), each queue's figures (GET /v1/queues), and the ticket and window models
the queue engine and the window steps answer with."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select

from central.errors import NotFound
from central.hall_time import as_utc, day_bounds, service_day
from central.schema import (
    departments,
    hall,
    queues,
    staff,
    ticket_sequences,
    tickets,
    window_queues,
    windows,
)
from client.models import (
    Department,
    Hall,
    QueueInfo,
    QueuesResponse,
    QueueStats,
    Ticket,
    Window,
    WindowQueue,
)

ACTIVE = ("called", "serving")  # a window's current ticket is in one of these


def ticket_model(row: Any) -> Ticket:
    return Ticket(
        id=row.id,
        number=row.number,
        queue=row.queue_prefix,
        kind=row.kind,
        status=row.status,
        issued_at=row.issued_at,
        appointment_at=row.appointment_at,
        called_at=row.called_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        window_no=row.window_no,
        target_window=row.target_window,
        staff_no=row.staff_no,
        recall_count=row.recall_count,
        transferred_from=row.transferred_from,
    )


def _department_names(conn: Connection) -> dict[str, str]:
    return {r.code: r.name for r in conn.execute(select(departments)).all()}


def _window_queries(one: bool) -> tuple[Any, Any, Any, Any]:
    """The four reads behind window_models, for all windows or (one=True) window :b_only."""
    wquery = (
        select(windows, staff.c.name.label("staff_name"))
        .select_from(windows.outerjoin(staff, staff.c.staff_no == windows.c.staff_no))
        .order_by(windows.c.no)
    )
    # The current ticket and the held ones in one read (the window's answer stays one query).
    tquery = (
        select(tickets)
        .where(tickets.c.status.in_((*ACTIVE, "held")), tickets.c.window_no.is_not(None))
        .order_by(tickets.c.id)
    )
    served = select(tickets.c.window_no, func.count()).where(
        tickets.c.status == "done",
        tickets.c.finished_at >= bindparam("b_start"),
        tickets.c.finished_at < bindparam("b_end"),
    )
    qquery = select(window_queues).order_by(window_queues.c.priority, window_queues.c.queue_prefix)
    if one:
        only = bindparam("b_only", type_=windows.c.no.type)
        wquery = wquery.where(windows.c.no == only)
        tquery = tquery.where(tickets.c.window_no == only)
        served = served.where(tickets.c.window_no == only)
        qquery = qquery.where(window_queues.c.window_no == only)
    return wquery, tquery, served.group_by(tickets.c.window_no), qquery


# Built once: SQLAlchemy then reuses their compiled form instead of rebuilding per request.
_ALL_WINDOWS = _window_queries(one=False)
_ONE_WINDOW = _window_queries(one=True)


def window_models(conn: Connection, now: datetime, only: int | None = None) -> list[Window]:
    """Windows with their queues, who is signed on, current ticket and tickets finished today."""
    wquery, tquery, served, qquery = _ALL_WINDOWS if only is None else _ONE_WINDOW
    start, end = day_bounds(service_day(now))
    params = {"b_start": start, "b_end": end, "b_only": only}
    current: dict[int, Ticket] = {}
    held: dict[int, list[Ticket]] = defaultdict(list)
    for r in conn.execute(tquery, params).all():
        if r.status == "held":
            held[r.window_no].append(ticket_model(r))
        else:
            current[r.window_no] = ticket_model(r)
    counts = {r[0]: r[1] for r in conn.execute(served, params).all()}
    wqs: dict[int, list[WindowQueue]] = defaultdict(list)
    for r in conn.execute(qquery, params).all():
        wqs[r.window_no].append(WindowQueue(prefix=r.queue_prefix, priority=r.priority))
    result = []
    for w in conn.execute(wquery, params).all():
        ticket = current.get(w.no)
        if w.staff_no is None:
            status = "signed_off"
        elif w.pause_reason is not None:
            status = "paused"
        elif ticket is not None:
            status = "calling" if ticket.status == "called" else "serving"
        else:
            status = "idle"
        result.append(
            Window(
                no=w.no,
                name=w.name,
                general=bool(w.general),
                queues=wqs.get(w.no, []),
                status=status,
                staff_no=w.staff_no,
                staff_name=w.staff_name,
                pause_reason=w.pause_reason,
                current_ticket=ticket,
                served_today=counts.get(w.no, 0),
                held=held.get(w.no, []),
            )
        )
    return result


def window_model(conn: Connection, no: int, now: datetime) -> Window:
    found = window_models(conn, now, only=no)
    if not found:
        raise NotFound(
            f"There is no window {no} in this hall.",
            reason="no_window_hall",
            params={"window_no": no},
        )
    return found[0]


def hall_model(conn: Connection, now: datetime) -> Hall:
    row = conn.execute(select(hall)).first()
    names = _department_names(conn)
    return Hall(
        code=row.code if row else "",
        name=row.name if row else "",
        departments=[Department(code=c, name=n) for c, n in sorted(names.items())],
        queues=[
            QueueInfo(
                prefix=q.prefix,
                name=q.name,
                department=names.get(q.department_code) if q.department_code else None,
                daily_cap=q.daily_cap,
            )
            for q in conn.execute(select(queues).order_by(queues.c.prefix)).all()
        ],
        windows=window_models(conn, now),
    )


def queue_stats(conn: Connection, now: datetime) -> QueuesResponse:
    day = service_day(now)
    start, end = day_bounds(day)
    waiting = {
        r.queue_prefix: (r.n, r.oldest)
        for r in conn.execute(
            select(
                tickets.c.queue_prefix,
                func.count().label("n"),
                func.min(tickets.c.issued_at).label("oldest"),
            )
            .where(tickets.c.status == "waiting")
            .group_by(tickets.c.queue_prefix)
        ).all()
    }
    issued = {
        r.queue_prefix: r.last_seq
        for r in conn.execute(
            select(ticket_sequences).where(ticket_sequences.c.service_day == day)
        ).all()
    }
    served = {
        r[0]: r[1]
        for r in conn.execute(
            select(tickets.c.queue_prefix, func.count())
            .where(
                and_(
                    tickets.c.status == "done",
                    tickets.c.finished_at >= start,
                    tickets.c.finished_at < end,
                )
            )
            .group_by(tickets.c.queue_prefix)
        ).all()
    }
    stats = []
    for q in conn.execute(select(queues).order_by(queues.c.prefix)).all():
        count, oldest = waiting.get(q.prefix, (0, None))
        # Defensive: some drivers hand an aggregate back without the column's type.
        oldest_at = _as_datetime(oldest)
        stats.append(
            QueueStats(
                prefix=q.prefix,
                name=q.name,
                waiting=count,
                longest_wait_s=max(0, int((now - oldest_at).total_seconds())) if oldest_at else 0,
                issued_today=issued.get(q.prefix, 0),
                served_today=served.get(q.prefix, 0),
            )
        )
    return QueuesResponse(as_of=now, queues=stats)


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value) if value.tzinfo else value.replace(tzinfo=timezone.utc)
