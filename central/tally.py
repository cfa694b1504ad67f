"""Rating tallies (日统计、周、月汇总): per clerk, window, department or the whole hall.

A service belongs to the hall-local day of its ticket (tickets are daily). The figures of a
period count the services finished in it (tickets done) and their ratings, whenever those
arrived: served, rated (citizens), unrated, defaults (counted apart), per level, 差评, the
satisfaction rate (5+4+3)/rated, the average level, and the 差评 loop (pending, upheld,
rectified, overdue, rectification rate = rectified / upheld).

Buckets are calendar periods (days; ISO weeks from Monday; months) cut to the asked range;
each bucket is compared with the whole calendar period before it, and the range as a whole
with the same number of days just before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, select

from central import rollups
from central.schema import departments, staff, windows
from client.rating_models import (
    LEVELS,
    RatingTable,
    RatingTally,
    TableGroup,
    TallyBy,
    TallyChange,
    TallyFigures,
    TallyPeriod,
    TallyRow,
)

MAX_RANGE_DAYS = 400


@dataclass
class Scope:
    staff_no: str | None = None
    window_no: int | None = None
    department: str | None = None


@dataclass
class Acc:
    """Running counts for one day, bucket or row."""

    served: int = 0
    defaults: int = 0
    levels: dict[int, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    pending: int = 0
    upheld: int = 0
    rectified: int = 0
    overdue: int = 0

    def add(self, other: Acc) -> None:
        self.served += other.served
        self.defaults += other.defaults
        for level, n in other.levels.items():
            self.levels[level] += n
        self.pending += other.pending
        self.upheld += other.upheld
        self.rectified += other.rectified
        self.overdue += other.overdue

    def figures(self) -> TallyFigures:
        return figures_of(self)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures_of(acc: Acc) -> TallyFigures:
    """The tally formulas, on counts: 满意率 = (5+4+3) / rated; average over citizens' ratings."""
    rated = sum(acc.levels.values())
    satisfied = acc.levels[5] + acc.levels[4] + acc.levels[3]
    bad = acc.levels[2] + acc.levels[1]
    total = sum(level * n for level, n in acc.levels.items())
    return TallyFigures(
        served=acc.served,
        rated=rated,
        unrated=max(acc.served - rated - acc.defaults, 0),
        defaults=acc.defaults,
        levels=dict(acc.levels),
        bad=bad,
        satisfaction=_ratio(satisfied, rated),
        average=round(total / rated, 2) if rated else None,
        pending=acc.pending,
        upheld=acc.upheld,
        rectified=acc.rectified,
        overdue=acc.overdue,
        rectify_rate=_ratio(acc.rectified, acc.upheld),
    )


def change(now: TallyFigures, before: TallyFigures) -> TallyChange:
    def delta(a: float | None, b: float | None, digits: int) -> float | None:
        return round(a - b, digits) if a is not None and b is not None else None

    return TallyChange(
        rated=now.rated - before.rated,
        bad=now.bad - before.bad,
        satisfaction=delta(now.satisfaction, before.satisfaction, 4),
        average=delta(now.average, before.average, 2),
    )


# --- calendar periods -------------------------------------------------------------------------


def period_start(day: date, by: TallyBy) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def period_end(day: date, by: TallyBy) -> date:
    start = period_start(day, by)
    if by == "week":
        return start + timedelta(days=6)
    if by == "month":
        following = (start + timedelta(days=32)).replace(day=1)
        return following - timedelta(days=1)
    return start


def previous_period(day: date, by: TallyBy) -> tuple[date, date]:
    before = period_start(day, by) - timedelta(days=1)
    return period_start(before, by), period_end(before, by)


def buckets(start: date, end: date, by: TallyBy) -> list[tuple[date, date, date]]:
    """(first day, last day, calendar period start) of each bucket, cut to [start, end]."""
    found: list[tuple[date, date, date]] = []
    day = start
    while day <= end:
        whole = period_start(day, by)
        last = min(period_end(day, by), end)
        found.append((day, last, whole))
        day = last + timedelta(days=1)
    return found


# --- reading ----------------------------------------------------------------------------------


def _accs(
    conn: Connection,
    scope: Scope,
    start: date,
    end: date,
    today: date,
    group: str | None = None,
    per_day: bool = True,
) -> dict[tuple[str, date | None], Acc]:
    """Counts per (group key, day) from the daily roll-ups, plus the overdue 差评 of today;
    `per_day` False: per group key over the whole range (day None), summed by the database."""
    filters: dict[str, Any] = {
        "staff_no": scope.staff_no,
        "window_no": scope.window_no,
        "department": scope.department,
        "group": group,
        "per_day": per_day,
    }
    found: dict[tuple[str, date | None], Acc] = defaultdict(Acc)
    for row in rollups.daily_rows(conn, start, end, **filters):
        acc = found[(_key(row, group), row.day)]
        acc.served += int(row.served)
        acc.defaults += int(row.defaults)
        for level in LEVELS:
            acc.levels[level] += int(getattr(row, f"level_{level}"))
        acc.pending += int(row.pending)
        acc.upheld += int(row.upheld)
        acc.rectified += int(row.rectified)
    for row in rollups.overdue_rows(conn, start, end, today, **filters):
        found[(_key(row, group), row.day)].overdue += int(row.n)
    return found


def _key(row: Any, group: str | None) -> str:
    if group is None:
        return ""
    value = row.key
    # Roll-ups keep an unknown clerk / window as '' / 0: show them as before, as no key.
    return "" if value is None or value in ("", 0) else str(value)


def _sum(days: dict[date, Acc], start: date, end: date) -> Acc:
    total = Acc()
    for day, acc in days.items():
        if start <= day <= end:
            total.add(acc)
    return total


def tally(
    conn: Connection, scope: Scope, start: date, end: date, by: TallyBy, today: date
) -> RatingTally:
    first_previous, _ = previous_period(start, by)
    length = (end - start).days + 1
    lo = min(first_previous, start - timedelta(days=length))
    days: dict[date, Acc] = {
        day: acc for (_, day), acc in _accs(conn, scope, lo, end, today).items() if day
    }

    def period(first: date, last: date, before: tuple[date, date]) -> TallyPeriod:
        figures = _sum(days, first, last).figures()
        previous = _sum(days, *before).figures()
        return TallyPeriod(
            start=first,
            end=last,
            figures=figures,
            previous=previous,
            change=change(figures, previous),
        )

    periods = [
        period(first, last, previous_period(whole, by))
        for first, last, whole in buckets(start, end, by)
    ]
    total = period(start, end, (start - timedelta(days=length), start - timedelta(days=1)))
    return RatingTally(
        staff_no=scope.staff_no,
        window_no=scope.window_no,
        department=scope.department,
        start=start,
        end=end,
        by=by,
        total=total,
        periods=periods,
    )


def table(conn: Connection, group: TableGroup, start: date, end: date, today: date) -> RatingTable:
    """One row per clerk, window or department that served in the range."""
    rows: dict[str, Acc] = defaultdict(Acc)
    found = _accs(conn, Scope(), start, end, today, group=group, per_day=False)
    for (key, _day), acc in found.items():
        rows[key].add(acc)
    labels = _labels(conn, group)
    usual = _usual_windows(conn) if group == "staff" else {}

    def window_of(key: str) -> int | None:
        if group == "staff":
            return usual.get(key)
        return int(key) if key and group == "window" else None

    result = [
        TallyRow(
            key=key,
            label=labels.get(key, key or "—"),
            window_no=window_of(key),
            figures=acc.figures(),
        )
        for key, acc in sorted(rows.items())
    ]
    return RatingTable(group=group, start=start, end=end, rows=result)


def _labels(conn: Connection, group: TableGroup) -> dict[str, str]:
    if group == "staff":
        query = select(staff.c.staff_no, staff.c.name)
    elif group == "window":
        query = select(windows.c.no, windows.c.name)
    else:
        query = select(departments.c.code, departments.c.name)
    return {str(key): str(name) for key, name in conn.execute(query).all()}


def _usual_windows(conn: Connection) -> dict[str, int]:
    found = conn.execute(select(staff.c.staff_no, staff.c.usual_window)).all()
    return {str(no): int(window) for no, window in found if window is not None}
