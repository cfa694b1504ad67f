"""Day and month reports: tickets, waits and handling per queue and clerk, cases by decision,
ratings and their 差评 handling, escalations, callbacks.

Ratings come from the daily roll-ups (tally_daily, kept by central.rollups). Tickets, cases,
escalations and callbacks are read from their own tables, one pass over the period: p90 waits
need the individual times, which no roll-up keeps.
"""

from __future__ import annotations

import calendar as months
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Text, and_, func, select, type_coerce

from central.hall_time import day_bounds, service_day
from central.schema import cases, queues, staff, tickets
from central.schema_escalations import escalation_steps, escalations
from central.schema_rollups import tally_daily
from central.schema_supervision import callbacks
from client.report_models import (
    CallbackReport,
    CaseReport,
    ClerkReport,
    DayPoint,
    EscalationReport,
    QueueReport,
    RatingReport,
    Report,
    ReportKind,
    TimeFigures,
)

OPEN = ("registered", "assigned", "in_progress", "resolved", "called_back")


def period(kind: ReportKind, day: date) -> tuple[date, date]:
    """First and last day of the report holding `day`."""
    if kind == "day":
        return day, day
    last = months.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def p90(values: list[float]) -> int | None:
    """The 90th percentile, nearest-rank (the value at ⌈0.9·n⌉ in order)."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, -(-9 * len(ordered) // 10) - 1)
    return round(ordered[index])


def mean(values: list[float]) -> int | None:
    return round(sum(values) / len(values)) if values else None


def _times(waits: list[float], handles: list[float]) -> dict[str, int | None]:
    return {
        "wait_avg_s": mean(waits),
        "wait_p90_s": p90(waits),
        "handle_avg_s": mean(handles),
        "handle_p90_s": p90(handles),
    }


def _instant(value: Any) -> datetime | None:
    """A stored instant as read without SQLAlchemy's per-value processing: SQLite gives the
    text it stores ('YYYY-MM-DD HH:MM:SS.ffffff', UTC), PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _ticket_times(
    conn: Connection, first: date, last: date
) -> Iterator[tuple[str, str, date, str | None, float | None, float | None]]:
    """Each ticket of the period: queue, status, day, clerk, wait and handling seconds. A
    month is some 200,000 tickets: the instants are read raw (type_coerce to text: no
    per-value conversion, which was most of a month report's time) and parsed by
    datetime.fromisoformat; differences are the same exact microseconds as before."""
    raw = [type_coerce(c, Text()) for c in (tickets.c.service_day, tickets.c.issued_at,
           tickets.c.called_at, tickets.c.started_at, tickets.c.finished_at)]  # fmt: skip
    query = select(tickets.c.issued_queue, tickets.c.status, tickets.c.staff_no, *raw).where(
        tickets.c.service_day >= first, tickets.c.service_day <= last
    )
    days: dict[Any, date] = {}
    rows = conn.execute(query).all()  # one fetch: row by row cost psycopg a call per ticket
    for queue, status, staff_no, on, issued, called, started, finished in rows:
        day = days.get(on)
        if day is None:
            day = days[on] = on if isinstance(on, date) else date.fromisoformat(on)
        wait = None
        if called is not None:
            wait = (_instant(called) - _instant(issued)).total_seconds()  # type: ignore[operator]
        handle = None
        if status == "done" and started is not None and finished is not None:
            handle = (_instant(finished) - _instant(started)).total_seconds()  # type: ignore[operator]
        yield queue, status, day, staff_no, wait, handle


def report(conn: Connection, kind: ReportKind, day: date, now: datetime) -> Report:
    first, last = period(kind, day)
    queue_names = {r.prefix: r.name for r in conn.execute(select(queues.c.prefix, queues.c.name))}
    staff_names = {r.staff_no: r.name for r in conn.execute(select(staff.c.staff_no, staff.c.name))}
    per_queue: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"issued": 0, "served": 0, "no_show": 0, "waits": [], "handles": []}
    )
    per_clerk: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"served": 0, "waits": [], "handles": []}
    )
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for queue, status, on, staff_no, wait, handle in _ticket_times(conn, first, last):
        q = per_queue[queue]
        q["issued"] += 1
        day_count = per_day[on]
        day_count[0] += 1
        if wait is not None:
            q["waits"].append(wait)
        if status == "missed":
            q["no_show"] += 1
        if status != "done":
            continue
        q["served"] += 1
        day_count[1] += 1
        if handle is not None:
            q["handles"].append(handle)
        if staff_no:
            c = per_clerk[staff_no]
            c["served"] += 1
            if wait is not None:
                c["waits"].append(wait)
            if handle is not None:
                c["handles"].append(handle)

    # Ratings: the daily roll-ups, per clerk.
    rated_by: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # rated, satisfied, bad
    totals: dict[str, int] = defaultdict(int)
    day_rated: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for r in conn.execute(
        select(tally_daily).where(tally_daily.c.day >= first, tally_daily.c.day <= last)
    ):
        rated = r.level_1 + r.level_2 + r.level_3 + r.level_4 + r.level_5
        satisfied = r.level_3 + r.level_4 + r.level_5
        bad = r.level_1 + r.level_2
        for name, value in (("rated", rated), ("satisfied", satisfied), ("bad", bad),
                            ("defaults", r.defaults), ("pending", r.pending),
                            ("upheld", r.upheld), ("rectified", r.rectified)):  # fmt: skip
            totals[name] += value
        who = rated_by[r.staff_no]
        who[0], who[1], who[2] = who[0] + rated, who[1] + satisfied, who[2] + bad
        day_rated[r.day][0] += rated
        day_rated[r.day][1] += satisfied

    case_rows: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in conn.execute(
        select(
            cases.c.department_name, cases.c.item_code, cases.c.item_name, cases.c.decision,
            func.count().label("n"),
        )
        .where(cases.c.service_day >= first, cases.c.service_day <= last)
        .group_by(cases.c.department_name, cases.c.item_code, cases.c.item_name, cases.c.decision)
    ):  # fmt: skip
        case_rows[(r.department_name, r.item_code, r.item_name)][r.decision] += int(r.n)

    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    opened = conn.execute(
        select(func.count())
        .select_from(escalations)
        .where(escalations.c.registered_at >= start, escalations.c.registered_at < end)
    ).scalar_one()
    closed = conn.execute(
        select(func.count(func.distinct(escalation_steps.c.escalation_id))).where(
            escalation_steps.c.status == "closed",
            escalation_steps.c.at >= start,
            escalation_steps.c.at < end,
        )
    ).scalar_one()
    as_of = min(last, service_day(now))
    newest = (
        select(escalation_steps.c.escalation_id, func.max(escalation_steps.c.seq).label("seq"))
        .where(escalation_steps.c.at < end)
        .group_by(escalation_steps.c.escalation_id)
        .subquery()
    )
    overdue = conn.execute(
        select(func.count())
        .select_from(
            escalation_steps.join(
                newest,
                and_(
                    newest.c.escalation_id == escalation_steps.c.escalation_id,
                    newest.c.seq == escalation_steps.c.seq,
                ),
            )
        )
        .where(escalation_steps.c.status.in_(OPEN), escalation_steps.c.due_date < as_of)
    ).scalar_one()

    cb = conn.execute(
        select(
            callbacks.c.recorded_at,
            callbacks.c.reached,
            callbacks.c.satisfied,
            callbacks.c.review_state,
        ).where(callbacks.c.service_day >= first, callbacks.c.service_day <= last)
    ).all()
    recorded = [c for c in cb if c.recorded_at is not None]
    finished = sum(q["served"] for q in per_queue.values())

    days = []
    current = first
    while current <= min(last, as_of) or current == first:
        issued, served = per_day.get(current, [0, 0])
        rated, satisfied = day_rated.get(current, [0, 0])
        days.append(DayPoint(day=current, issued=issued, served=served,
                             satisfaction=satisfied / rated if rated else None))  # fmt: skip
        current += timedelta(days=1)
        if current > last:
            break

    return Report(
        kind=kind,
        first_day=first,
        last_day=last,
        queues=[
            QueueReport(
                prefix=prefix, name=queue_names.get(prefix, prefix), issued=q["issued"],
                served=q["served"], no_show=q["no_show"], **_times(q["waits"], q["handles"]),
            )
            for prefix, q in sorted(per_queue.items())
        ],
        clerks=[
            ClerkReport(
                staff_no=no, name=staff_names.get(no, no), served=c["served"],
                rated=rated_by[no][0],
                satisfaction=(rated_by[no][1] / rated_by[no][0]) if rated_by[no][0] else None,
                bad=rated_by[no][2], **_times(c["waits"], c["handles"]),
            )
            for no, c in sorted(per_clerk.items())
        ],
        cases=[
            CaseReport(department=dept, item_code=code, item_name=name, **dict(counts))
            for (dept, code, name), counts in sorted(case_rows.items())
        ],
        ratings=RatingReport(
            rated=totals["rated"], defaults=totals["defaults"], satisfied=totals["satisfied"],
            satisfaction=totals["satisfied"] / totals["rated"] if totals["rated"] else None,
            bad=totals["bad"], pending=totals["pending"], upheld=totals["upheld"],
            rectified=totals["rectified"],
        ),
        escalations=EscalationReport(opened=opened, closed=closed, overdue=overdue),
        callbacks=CallbackReport(
            finished=finished, drawn=len(cb), recorded=len(recorded),
            reached=sum(1 for c in recorded if c.reached),
            satisfied=sum(1 for c in recorded if c.satisfied),
            dissatisfied=sum(1 for c in recorded if c.reached and c.satisfied is False),
            rate=len(recorded) / finished if finished else None,
            to_review=sum(1 for c in recorded if c.review_state is not None),
            upheld=sum(1 for c in recorded if c.review_state in ("upheld", "rectified")),
            rectified=sum(1 for c in recorded if c.review_state == "rectified"),
        ),
        days=days,
    )  # fmt: skip


__all__ = ["TimeFigures", "p90", "period", "report"]
