"""The reports' cases per service item and decision: rolled up per closed day (case_daily,
migration 0016) beside the ticket figures (central.report_rollups, the same days and the same
periodic job), counted from the cases themselves for today and any day not rolled up yet.

A real hall takes ~2,900 cases a working day over ~1,180 of its items: a month report summed
~60,000 cases per (item, decision) from the report index; it now reads the month's sums of its
rolled-up days (case_monthly, ~1,300 rows, moved in the write that rolls a day up)
and groups only today's cases. Any other range sums the day rows in the database. Rolling a
day up again writes only the rows that moved, in both tables.

A case is written once and never changed. One that lands on a day already rolled up (an intake
begun before midnight and committed after the job counted that day) is audited like every case:
the job finds it in the audit trail and rolls that day up again (report_rollups.catch_up).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    Text,
    bindparam,
    delete,
    func,
    select,
    type_coerce,
    update,
)

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
ITEM_NAMES = ("department_name", "item_code", "item_name")
_ITEM = tuple(case_daily.c[n] for n in ITEM_NAMES)


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


def _write(
    conn: Connection,
    table: Table,
    key: str,
    value: date,
    old: dict[Item, Counts],
    new: dict[Item, Counts],
) -> None:
    """Take `table`'s rows under `key` = `value` from `old` to `new` (item → counts; an item
    absent or all zero has no row), writing only the rows that differ: a day rolled up again
    unchanged (the job's usual case) writes nothing, a first roll-up inserts its ~1,200."""
    c = table.c
    where = [c[key] == bindparam("k_key"), *(c[n] == bindparam("k_" + n) for n in ITEM_NAMES)]
    inserts, updates, deletes = [], [], []
    for item in old.keys() | new.keys():
        before, after = old.get(item), new.get(item)
        if after is not None and not any(after):
            after = None
        if before == after:
            continue
        keyed = {"k_key": value, **{"k_" + n: v for n, v in zip(ITEM_NAMES, item, strict=True)}}
        if after is None:
            deletes.append(keyed)
        elif before is None:
            inserts.append({key: value, **dict(zip(ITEM_NAMES, item, strict=True)),
                            **dict(zip(DECISIONS, after, strict=True))})  # fmt: skip
        else:
            updates.append(
                {**keyed, **{"v_" + d: n for d, n in zip(DECISIONS, after, strict=True)}}
            )
    if deletes:
        conn.execute(delete(table).where(*where), deletes)
    if updates:
        changed = update(table).where(*where).values({d: bindparam("v_" + d) for d in DECISIONS})
        conn.execute(changed, updates)
    if inserts:
        conn.execute(table.insert(), inserts)


def _shift_month(
    conn: Connection, day: date, old: dict[Item, Counts], new: dict[Item, Counts]
) -> None:
    """Move the day's month sums by what the day's rows moved (from `old` to `new`)."""
    moved = [item for item in old.keys() | new.keys() if old.get(item) != new.get(item)]
    if not moved:
        return
    month = day.replace(day=1)
    m = case_monthly.c
    query = select(*(m[n] for n in ITEM_NAMES), *(m[d] for d in DECISIONS)).where(m.month == month)
    have = {(a, b, c): [int(n) for n in counts] for a, b, c, *counts in conn.execute(query).all()}
    zero = [0] * len(DECISIONS)
    after = {
        item: [h - o + n for h, o, n in zip(have.get(item, zero), old.get(item, zero),
                                             new.get(item, zero), strict=True)]
        for item in moved
    }  # fmt: skip
    before = {item: have[item] for item in moved if item in have}
    _write(conn, case_monthly, "month", month, before, after)


def forget(conn: Connection, days: Iterable[date]) -> None:
    """Drop the days' rows (and take them off their months' sums), in the caller's write
    transaction."""
    for day in days:
        roll(conn, day, {})


def roll(conn: Connection, day: date, items: dict[Item, Counts]) -> None:
    """Store one day's cases per item (replacing any) and move its month's sums by the
    difference, in the caller's write transaction."""
    old = stored(conn, day, day).get(day, {})
    _write(conn, case_daily, "day", day, old, items)
    _shift_month(conn, day, old, items)
