"""The hall right now, as wire models: its departments, queues and windows (GET /v1/hall, in
central.routes.hall), each queue's figures (GET /v1/queues), and the ticket and window models
the queue engine and the window steps answer with."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, String, bindparam, func, literal_column, select

from central.direct_statement import DirectStatement
from central.errors import NotFound
from central.hall_time import as_utc, day_bounds, service_day
from central.pg_pipeline import rows_of_each
from central.schema import (
    departments,
    events,
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


# Constants written into the SQL, not bound: a partial index (… WHERE status = 'waiting') is only
# usable when the query's own condition is that same literal.
_WAITING = literal_column("'waiting'", String())
_DONE = literal_column("'done'", String())
_HERE = tuple(literal_column(f"'{s}'", String()) for s in (*ACTIVE, "held"))


def _served_today(by: Any, key: Any) -> Any:
    """Tickets finished today (:b_start … :b_end) where `by` equals `key`: one range of a
    partial index (ix_tickets_done_queue / ix_tickets_done_window), counted without the rows."""
    t = tickets
    return (
        select(func.count())
        .where(
            t.c.status == _DONE,
            by == key,
            t.c.finished_at >= bindparam("b_start", type_=t.c.finished_at.type),
            t.c.finished_at < bindparam("b_end", type_=t.c.finished_at.type),
        )
        .scalar_subquery()
    )


def _window_queries(one: bool) -> tuple[Any, Any, Any]:
    """The three reads behind window_models, for all windows or (one=True) window :b_only."""
    wquery = (
        select(
            windows,
            staff.c.name.label("staff_name"),
            _served_today(tickets.c.window_no, windows.c.no).label("served_today"),
        )
        .select_from(windows.outerjoin(staff, staff.c.staff_no == windows.c.staff_no))
        .order_by(windows.c.no)
    )
    # The current ticket and the held ones in one read (the window's answer stays one query).
    tquery = (
        select(tickets)
        .where(tickets.c.status.in_(_HERE), tickets.c.window_no.is_not(None))
        .order_by(tickets.c.id)
    )
    qquery = select(window_queues).order_by(window_queues.c.priority, window_queues.c.queue_prefix)
    if one:
        only = bindparam("b_only", type_=windows.c.no.type)
        wquery = wquery.where(windows.c.no == only)
        tquery = tquery.where(tickets.c.window_no == only)
        qquery = qquery.where(window_queues.c.window_no == only)
    return wquery, tquery, qquery


# Built once, and run straight through the driver (central.direct_statement): every counter
# answer reads its window (or, in a burst, all of them) after its commit.
_NAMES = ("b_start", "b_end", "b_only")
_ALL_WINDOWS = tuple(DirectStatement(q, _NAMES) for q in _window_queries(one=False))
_ONE_WINDOW = tuple(DirectStatement(q, _NAMES) for q in _window_queries(one=True))


def _window_reads(now: datetime, only: int | None) -> list[tuple[DirectStatement, Any]]:
    """window_models' three reads with their values (for central.pg_pipeline.rows_of_each)."""
    start, end = day_bounds(service_day(now))
    values = (start, end, only)
    return [(read, values) for read in (_ALL_WINDOWS if only is None else _ONE_WINDOW)]


def window_models(conn: Connection, now: datetime, only: int | None = None) -> list[Window]:
    """Windows with their queues, who is signed on, current ticket and tickets finished today
    (PostgreSQL: the three reads in one round trip)."""
    return _windows(*rows_of_each(conn, _window_reads(now, only)))


def _windows(rows: list[Any], ticket_rows: list[Any], queue_rows: list[Any]) -> list[Window]:
    if not rows:
        return []
    current: dict[int, Ticket] = {}
    held: dict[int, list[Ticket]] = defaultdict(list)
    for r in ticket_rows:
        if r.status == "held":
            held[r.window_no].append(ticket_model(r))
        else:
            current[r.window_no] = ticket_model(r)
    wqs: dict[int, list[WindowQueue]] = defaultdict(list)
    for r in queue_rows:
        wqs[r.window_no].append(WindowQueue(prefix=r.queue_prefix, priority=r.priority))
    result = []
    for w in rows:
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
                pause_note=w.pause_note,
                current_ticket=ticket,
                served_today=w.served_today,
                held=held.get(w.no, []),
            )
        )
    return result


def window_model(conn: Connection, no: int, now: datetime) -> Window:
    found = window_models(conn, now, only=no)
    if not found:
        raise no_window(no)
    return found[0]


def no_window(no: int) -> NotFound:
    return NotFound(
        f"There is no window {no} in this hall.",
        reason="no_window_hall",
        params={"window_no": no},
    )


def hall_model(conn: Connection, now: datetime) -> Hall:
    # First: a change after this read has a newer id, so a stream from it misses nothing.
    event_id = int(conn.execute(select(func.max(events.c.id))).scalar() or 0)
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
        event_id=event_id,
    )


def _queue_figures_stmt() -> Any:
    """Every queue's figures in one read, each an index range or a seek: waiting now and the
    oldest of them (ix_tickets_waiting_age), issued today (ticket_sequences), finished today
    (ix_tickets_done_queue); and the newest event id, so an answer can say what it reflects."""
    t, seq = tickets, ticket_sequences
    here = t.c.queue_prefix == queues.c.prefix
    waiting = select(func.count()).where(t.c.status == _WAITING, here).scalar_subquery()
    oldest = select(func.min(t.c.issued_at)).where(t.c.status == _WAITING, here)
    issued = select(seq.c.last_seq).where(
        seq.c.queue_prefix == queues.c.prefix,
        seq.c.service_day == bindparam("b_day", type_=seq.c.service_day.type),
    )
    return select(
        queues.c.prefix,
        queues.c.name,
        waiting.label("waiting"),
        oldest.scalar_subquery().label("oldest"),
        issued.scalar_subquery().label("issued"),
        _served_today(t.c.queue_prefix, queues.c.prefix).label("served"),
        select(func.max(events.c.id)).scalar_subquery().label("event_id"),
    ).order_by(queues.c.prefix)


_QUEUE_FIGURES = DirectStatement(_queue_figures_stmt(), ("b_day", "b_start", "b_end"))


Figures = tuple[QueuesResponse, int]  # the queues' figures and the newest event id they reflect


def _figures_read(now: datetime) -> tuple[DirectStatement, Any]:
    day = service_day(now)
    return _QUEUE_FIGURES, (day, *day_bounds(day))


def queue_figures(conn: Connection, now: datetime) -> Figures:
    """The queues' figures at `now`, and the newest event id in the same snapshot."""
    read, values = _figures_read(now)
    return _figures(conn, now, read.rows(conn, *values))


def figures_and_windows(
    conn: Connection, now: datetime, only: int | None = None
) -> tuple[Figures, list[Window]]:
    """queue_figures, then window_models (every window, or window `only`), read in that
    order; on PostgreSQL the four reads in one round trip (a counter answer's reads)."""
    figures, *windows = rows_of_each(conn, [_figures_read(now), *_window_reads(now, only)])
    return _figures(conn, now, figures), _windows(*windows)


def _figures(conn: Connection, now: datetime, rows: list[Any]) -> Figures:
    stats = []
    event_id = 0
    for q in rows:
        # Defensive: some drivers hand an aggregate back without the column's type.
        oldest_at = _as_datetime(q.oldest)
        event_id = q.event_id or 0
        stats.append(
            QueueStats(
                prefix=q.prefix,
                name=q.name,
                waiting=q.waiting,
                longest_wait_s=max(0, int((now - oldest_at).total_seconds())) if oldest_at else 0,
                issued_today=q.issued or 0,
                served_today=q.served,
            )
        )
    if not stats:  # a hall without queues: the newest event id still
        event_id = int(conn.execute(select(func.max(events.c.id))).scalar() or 0)
    return QueuesResponse(as_of=now, queues=stats), event_id


def queue_stats(conn: Connection, now: datetime) -> QueuesResponse:
    """GET /v1/queues: the figures and the newest event id they reflect."""
    figures, event_id = queue_figures(conn, now)
    figures.event_id = event_id
    return figures


def _as_datetime(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value) if value.tzinfo else value.replace(tzinfo=timezone.utc)
