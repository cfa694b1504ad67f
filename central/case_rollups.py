"""The reports' cases per service item and decision: rolled up per closed day (case_daily,
migration 0016) beside the ticket figures (central.report_rollups, the same days and the same
periodic job), counted from the cases themselves for today and any day not rolled up yet.

A real hall takes ~2,900 cases a working day over ~1,180 of its items: a month report summed
~60,000 cases per (item, decision) from the report index; it now reads the month's sums of its
rolled-up days (case_monthly, ~1,300 rows, rewritten from the days in the write that rolls one)
and groups only today's cases. Any other range sums the day rows in the database.

A case is written once and never changed. One that lands on a day already rolled up (an intake
begun before midnight and committed after the job counted that day) is audited like every case:
the job finds it in the audit trail and rolls that day up again (report_rollups.catch_up).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Date, Text, delete, func, literal, select, type_coerce

from central.hall_time import day_runs
from central.schema import cases
from central.schema_rollups import DECISIONS, case_daily, case_monthly

__all__ = [
    "DECISIONS",
    "Counts",
    "Item",
    "count",
    "forget",
    "month_end",
    "roll",
    "stored",
    "totals",
]

Item = tuple[str, str, str]  # department, item code, item name (as the case stored them)
Counts = list[int]  # cases per decision, in DECISIONS' order
_AT = {decision: i for i, decision in enumerate(DECISIONS)}
_ITEM = (case_daily.c.department_name, case_daily.c.item_code, case_daily.c.item_name)


def _day(value: Any, seen: dict[Any, date]) -> date:
    """A stored day, parsed once per distinct value (SQLite gives its text, PostgreSQL a date)."""
    day = seen.get(value)
    if day is None:
        day = seen[value] = value if isinstance(value, date) else date.fromisoformat(value)
    return day


def count(conn: Connection, first: date, last: date) -> dict[date, dict[Item, Counts]]:
    """Per day of [first, last], each item's cases per decision, from the cases themselves
    (through ix_cases_report alone)."""
    c = cases.c
    query = select(
        type_coerce(c.service_day, Text()), c.department_name, c.item_code, c.item_name,
        c.decision, func.count(),
    ).where(c.service_day >= first, c.service_day <= last).group_by(
        c.service_day, c.department_name, c.item_code, c.item_name, c.decision
    )  # fmt: skip
    found: dict[date, dict[Item, Counts]] = {}
    seen: dict[Any, date] = {}
    for on, dept, code, name, decision, n in conn.execute(query).all():
        items = found.setdefault(_day(on, seen), {})
        counts = items.get((dept, code, name))
        if counts is None:
            counts = items[(dept, code, name)] = [0] * len(DECISIONS)
        counts[_AT[decision]] += int(n)
    return found


def stored(conn: Connection, first: date, last: date) -> dict[date, dict[Item, Counts]]:
    """The roll-up rows of [first, last], per day, as count() gives them."""
    query = select(
        type_coerce(case_daily.c.day, Text()), *_ITEM, *(case_daily.c[d] for d in DECISIONS)
    ).where(case_daily.c.day >= first, case_daily.c.day <= last)
    found: dict[date, dict[Item, Counts]] = {}
    seen: dict[Any, date] = {}
    for on, dept, code, name, *counts in conn.execute(query).all():
        found.setdefault(_day(on, seen), {})[(dept, code, name)] = [int(n) for n in counts]
    return found


def totals(conn: Connection, first: date, last: date, rolled: set[date]) -> dict[Item, Counts]:
    """Each item's cases per decision over [first, last]: the `rolled` days (report_rollups.
    rolled_days) summed from their roll-ups by the database, the other days counted from
    their cases."""
    found: dict[Item, Counts] = {}
    if first.day == 1 and last == month_end(first):  # a month: its sums, kept by roll()
        m = case_monthly.c
        query = select(m.department_name, m.item_code, m.item_name, *(m[d] for d in DECISIONS))
        query = query.where(m.month == first)
    else:
        query = (
            select(*_ITEM, *(func.sum(case_daily.c[d]) for d in DECISIONS))
            .where(case_daily.c.day >= first, case_daily.c.day <= last)
            .group_by(*_ITEM)
        )
    if any(first <= day <= last for day in rolled):
        for dept, code, name, *sums in conn.execute(query).all():
            found[(dept, code, name)] = [int(n) for n in sums]
    every = (first + timedelta(days=i) for i in range((last - first).days + 1))
    for lo, hi in day_runs(day for day in every if day not in rolled):
        for items in count(conn, lo, hi).values():
            for item, counts in items.items():
                have = found.get(item)
                if have is None:
                    found[item] = counts
                else:
                    found[item] = [a + b for a, b in zip(have, counts, strict=True)]
    return found


def month_end(month: date) -> date:
    """The last day of the month holding `month`."""
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _sum_months(conn: Connection, months: Iterable[date]) -> None:
    """Rewrite each month's case_monthly rows as the sum of its case_daily rows (one
    statement in the database: ~25,000 rows for a month of a real hall)."""
    for month in sorted(set(months)):
        conn.execute(delete(case_monthly).where(case_monthly.c.month == month))
        summed = (
            select(literal(month, Date()), *_ITEM, *(func.sum(case_daily.c[d]) for d in DECISIONS))
            .where(case_daily.c.day >= month, case_daily.c.day <= month_end(month))
            .group_by(*_ITEM)
        )
        names = ["month", "department_name", "item_code", "item_name", *DECISIONS]
        conn.execute(case_monthly.insert().from_select(names, summed))


def forget(conn: Connection, days: Iterable[date]) -> None:
    """Drop the days' rows (and their months' sums then), in the caller's write transaction."""
    days = list(days)
    for day in days:
        conn.execute(delete(case_daily).where(case_daily.c.day == day))
    _sum_months(conn, (day.replace(day=1) for day in days))


def roll(conn: Connection, day: date, items: dict[Item, Counts]) -> None:
    """Store one day's cases per item (replacing any) and its month's sums anew, in the
    caller's write transaction."""
    conn.execute(delete(case_daily).where(case_daily.c.day == day))
    rows = [
        {"day": day, "department_name": dept, "item_code": code, "item_name": name,
         **dict(zip(DECISIONS, counts, strict=True))}
        for (dept, code, name), counts in sorted(items.items())
    ]  # fmt: skip
    if rows:
        conn.execute(case_daily.insert(), rows)
    _sum_months(conn, [day.replace(day=1)])
