"""Day and month reports: tickets, waits and handling per queue and clerk, cases by decision,
ratings and their 差评 handling, escalations, callbacks.

Ratings come from the daily roll-ups (tally_daily, kept by central.rollups); tickets, waits and
handling from the reports' daily roll-ups of closed days (report_daily, central.report_rollups:
whole-second histograms, so the p90 stays exact) and today's tickets. Cases, escalations and
callbacks are read from their own tables.
"""

from __future__ import annotations

import calendar as months
import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select

from central import report_cases, report_rollups
from central.hall_time import day_bounds, service_day
from central.report_rollups import Figures
from central.schema import queues, staff
from central.schema_escalations import escalation_steps, escalations
from central.schema_rollups import tally_daily
from central.schema_supervision import callbacks
from client.report_models import (
    CallbackReport,
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
    """The 90th percentile of seconds, nearest-rank (the value at ⌈0.9·n⌉ in order), in whole
    seconds rounded half up — what the report gives (central.report_rollups.Times.p90)."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, -(-9 * len(ordered) // 10) - 1)
    return math.floor(ordered[index] + 0.5)


def mean(values: list[float]) -> int | None:
    """The average of seconds in whole seconds, half up."""
    return math.floor(sum(values) / len(values) + 0.5) if values else None


def _times(figures: Figures) -> dict[str, int | None]:
    return {
        "wait_avg_s": figures.waits.mean(),
        "wait_p90_s": figures.waits.p90(),
        "handle_avg_s": figures.handles.mean(),
        "handle_p90_s": figures.handles.p90(),
    }


def report(
    conn: Connection,
    kind: ReportKind,
    day: date,
    now: datetime,
    today: Any = None,
    cases_limit: int = report_cases.DEFAULT_PAGE,
) -> Report:
    """The cases per item: the first `cases_limit` items by most cases (central.report_cases).
    `today`: the central's central.report_today.TodayMemo (the tickets of today — the newest
    day not rolled up — are then read only where it does not hold them); None: every ticket
    of a day not rolled up is read."""
    first, last = period(kind, day)
    queue_names = {r.prefix: r.name for r in conn.execute(select(queues.c.prefix, queues.c.name))}
    staff_names = {r.staff_no: r.name for r in conn.execute(select(staff.c.staff_no, staff.c.name))}
    per_queue: dict[str, Figures] = defaultdict(Figures)
    per_clerk: dict[str, Figures] = defaultdict(Figures)
    per_day: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for on, day_figures in report_rollups.figures(conn, first, last, today).items():
        for (part, key), f in day_figures.items():
            if part == "queue":
                per_queue[key].merge(f)
                per_day[on][0] += f.issued
                per_day[on][1] += f.served
            else:
                per_clerk[key].merge(f)

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

    case_list = report_cases.case_page(conn, first, last, limit=cases_limit)

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
    finished = sum(q.served for q in per_queue.values())

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
                prefix=prefix, name=queue_names.get(prefix, prefix), issued=q.issued,
                served=q.served, no_show=q.no_show, **_times(q),
            )
            for prefix, q in sorted(per_queue.items())
        ],
        clerks=[
            ClerkReport(
                staff_no=no, name=staff_names.get(no, no), served=c.served,
                rated=rated_by[no][0],
                satisfaction=(rated_by[no][1] / rated_by[no][0]) if rated_by[no][0] else None,
                bad=rated_by[no][2], **_times(c),
            )
            for no, c in sorted(per_clerk.items())
        ],
        cases=case_list.items,
        cases_total=case_list.total,
        cases_next=case_list.next,
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
