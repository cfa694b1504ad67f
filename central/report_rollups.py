"""The reports' ticket figures per day: issued, served, no-shows, waits and handling times per
queue and per clerk — read from the daily roll-ups (report_daily) for closed days, counted
from the tickets themselves for today and any day not rolled up yet.

Times are kept as whole-second histograms beside exact microsecond sums (central.report_figures):
a month report thus reads ~30 rows per queue and per clerk instead of ~200,000 tickets, and
gives the very same figures.

The roll-up is kept by the server's periodic job (central.housekeeping → `catch_up`), which is
idempotent and can be re-run: it rolls up each day before today that is not rolled up yet, one
short write transaction per day (the day is counted in a read transaction first). A change to
a ticket of a day already rolled up (a ticket left serving overnight, finished next morning)
is found in the audit trail (every ticket step is audited): the job rolls that day up again on
its next round. The same job and the same write keep the day's cases per item and decision
(central.case_rollups): a day in report_days has both rolled up.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Text, delete, func, select, type_coerce

from central import case_rollups
from central.hall_time import day_runs, service_day
from central.report_figures import Day, Figures, Key, Times
from central.schema import audit, cases, tickets
from central.schema_rollups import report_daily, report_days, report_rollup_state
from central.store import Store

__all__ = ["Day", "Figures", "Key", "Times", "catch_up", "count", "figures", "ticket_rows"]


# --- counting from the tickets ------------------------------------------------------------------


def _instant(value: Any) -> datetime | None:
    """A stored instant as read without SQLAlchemy's per-value processing: SQLite gives the
    text it stores ('YYYY-MM-DD HH:MM:SS.ffffff', UTC), PostgreSQL a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


_MICRO = timedelta(microseconds=1)


def ticket_rows(
    conn: Connection,
    first: date,
    last: date,
    *extra: Any,
    after_id: int | None = None,
    ids: list[int] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The `extra` columns, then what ticket_times gives, of the tickets of [first, last]
    (only those past `after_id`, or only `ids`, when given)."""
    raw = [type_coerce(c, Text()) for c in (tickets.c.service_day, tickets.c.issued_at,
           tickets.c.called_at, tickets.c.started_at, tickets.c.finished_at)]  # fmt: skip
    query = select(*extra, tickets.c.issued_queue, tickets.c.status, tickets.c.staff_no, *raw)
    query = query.where(tickets.c.service_day >= first, tickets.c.service_day <= last)
    if after_id is not None:
        query = query.where(tickets.c.id > after_id)
    if ids is not None:
        query = query.where(tickets.c.id.in_(ids))
    days: dict[Any, date] = {}
    skip = len(extra)
    for row in conn.execute(query).all():
        queue, status, staff_no, on, issued, called, started, finished = row[skip:]
        day = days.get(on)
        if day is None:
            day = days[on] = on if isinstance(on, date) else date.fromisoformat(on)
        wait = None
        if called is not None:
            wait = (_instant(called) - _instant(issued)) // _MICRO  # type: ignore[operator]
        handle = None
        if status == "done" and started is not None and finished is not None:
            handle = (_instant(finished) - _instant(started)) // _MICRO  # type: ignore[operator]
        yield (*row[:skip], queue, status, day, staff_no, wait, handle)


def ticket_times(
    conn: Connection, first: date, last: date
) -> Iterator[tuple[str, str, date, str | None, int | None, int | None]]:
    """Each ticket of [first, last]: queue, status, day, clerk, wait and handling in whole
    microseconds. The instants are read raw (type_coerce to text: no per-value conversion)
    and parsed by datetime.fromisoformat, in one fetch."""
    return ticket_rows(conn, first, last)


def count(
    rows: Iterable[tuple[str, str, date, str | None, int | None, int | None]],
) -> dict[date, Day]:
    """Per day, per queue and per clerk: what the report shows, from ticket_times' rows. A
    queue's waits are every called ticket's; a clerk's are those of the services they
    finished."""
    found: dict[date, Day] = {}
    for queue, status, on, staff_no, wait, handle in rows:
        figures = found.get(on)
        if figures is None:
            figures = found[on] = {}
        q = figures.get(("queue", queue))
        if q is None:
            q = figures[("queue", queue)] = Figures()
        q.issued += 1
        if wait is not None:
            q.waits.add(wait)
        if status == "missed":
            q.no_show += 1
        if status != "done":
            continue
        q.served += 1
        if handle is not None:
            q.handles.add(handle)
        if staff_no:
            c = figures.get(("clerk", staff_no))
            if c is None:
                c = figures[("clerk", staff_no)] = Figures()
            c.served += 1
            if wait is not None:
                c.waits.add(wait)
            if handle is not None:
                c.handles.add(handle)
    return found


# --- reading: roll-ups where there are, tickets elsewhere --------------------------------------


def rolled_days(conn: Connection, first: date, last: date) -> set[date]:
    query = select(report_days.c.day).where(report_days.c.day >= first, report_days.c.day <= last)
    return set(conn.execute(query).scalars())


def stored(conn: Connection, first: date, last: date) -> dict[date, Day]:
    """The roll-up rows of [first, last], as figures."""
    found: dict[date, Day] = {}
    c = report_daily.c
    query = select(
        type_coerce(c.day, Text()), c.kind, c.key, c.issued, c.served, c.no_show,
        c.wait_n, c.wait_us, c.waits, c.handle_n, c.handle_us, c.handles,
    ).where(c.day >= first, c.day <= last)  # fmt: skip
    days: dict[Any, date] = {}
    for on, kind, key, issued, served, no_show, *times in conn.execute(query).all():
        day = days.get(on)
        if day is None:  # the day as stored, parsed once (not a regex per row)
            day = days[on] = on if isinstance(on, date) else date.fromisoformat(on)
        wait_n, wait_us, waits, handle_n, handle_us, handles = times
        found.setdefault(day, {})[(kind, key)] = Figures(
            issued=issued,
            served=served,
            no_show=no_show,
            waits=Times.of_stored(waits, wait_n, wait_us),
            handles=Times.of_stored(handles, handle_n, handle_us),
        )
    return found


def figures(conn: Connection, first: date, last: date, memo: Any = None) -> dict[date, Day]:
    """Per day of [first, last]: the roll-ups of the days rolled up, the tickets of the rest.
    `memo` (a central.report_today.TodayMemo): the newest day not rolled up (today, as a
    rule) comes from it and the tickets it does not hold yet."""
    rolled = rolled_days(conn, first, last)
    found = stored(conn, first, last) if rolled else {}
    found = {day: f for day, f in found.items() if day in rolled}
    every = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    rest = [d for d in every if d not in rolled]
    if memo is not None and rest:
        from central import report_today  # it builds on this module

        newest = rest.pop()
        found[newest] = report_today.day_figures(conn, newest, memo)
    for lo, hi in day_runs(rest):
        found.update(count(ticket_times(conn, lo, hi)))
    return {day: f for day, f in found.items() if f}


# --- the job ------------------------------------------------------------------------------------


def _rows(day: date, figures: Day) -> list[dict[str, Any]]:
    return [
        {
            "day": day, "kind": kind, "key": key, "issued": f.issued, "served": f.served,
            "no_show": f.no_show, "wait_n": f.waits.n, "wait_us": f.waits.total_us,
            "waits": f.waits.stored_form(), "handle_n": f.handles.n,
            "handle_us": f.handles.total_us, "handles": f.handles.stored_form(),
        }
        for (kind, key), f in sorted(figures.items())
    ]  # fmt: skip


def forget(conn: Connection, days: Iterable[date]) -> None:
    """Drop the roll-ups of `days`, their cases' too (they are then counted from the tickets
    and cases until rolled again)."""
    days = list(days)
    for day in days:
        _drop(conn, day)
    case_rollups.forget(conn, days)


def _drop(conn: Connection, day: date) -> None:
    conn.execute(delete(report_daily).where(report_daily.c.day == day))
    conn.execute(delete(report_days).where(report_days.c.day == day))


def roll(
    conn: Connection, day: date, figures: Day, items: dict[case_rollups.Item, case_rollups.Counts]
) -> None:
    """Store one day's ticket figures and cases per item (replacing any) and mark the day
    rolled up, in the caller's write transaction."""
    _drop(conn, day)
    rows = _rows(day, figures)
    if rows:
        conn.execute(report_daily.insert(), rows)
    case_rollups.roll(conn, day, items)
    conn.execute(report_days.insert().values(day=day))


# PostgreSQL's writers commit audit ids out of order (a sequence hands them out at insert): the
# last LOOKBACK ids before the mark are read again on the next round, so one committed late is
# not missed.
LOOKBACK = 1000


def _changed_days(conn: Connection, seen: int, mark: int) -> set[date]:
    """Service days of the tickets and cases audited after `seen` up to `mark` (a case is
    audited by its number). The audit rows are read by id range alone and filtered here: with
    `object_type = 'ticket'` in the query, SQLite went through the object index, i.e. every
    ticket's audit of a year (12 s a round)."""
    query = select(audit.c.object_type, audit.c.object_id).where(
        audit.c.id > seen, audit.c.id <= mark
    )
    ids: set[int] = set()
    case_nos: set[str] = set()
    for kind, ident in conn.execute(query).all():
        if kind == "ticket" and ident.isdigit():
            ids.add(int(ident))
        elif kind == "case":
            case_nos.add(ident)
    days: set[date] = set()
    looked_up = (
        (tickets.c.service_day, tickets.c.id, sorted(ids)),
        (cases.c.service_day, cases.c.case_no, sorted(case_nos)),
    )
    for day_of, key, keys in looked_up:
        for start in range(0, len(keys), 500):
            found = select(day_of).where(key.in_(keys[start : start + 500])).distinct()
            days.update(conn.execute(found).scalars())
    return days


def catch_up(store: Store, max_days: int | None = None) -> int:
    """Roll up every day before today not rolled up yet (and again the ones whose tickets
    changed since); the days rolled up."""
    today = service_day(store.now())
    with store.read() as conn:
        mark = int(conn.execute(select(func.max(audit.c.id))).scalar() or 0)
        seen = conn.execute(
            select(report_rollup_state.c.audit_seen).where(report_rollup_state.c.id == 1)
        ).scalar()
        changed = set()
        if seen is not None:
            changed = _changed_days(conn, max(0, int(seen) - LOOKBACK), mark)
        first = conn.execute(select(tickets.c.service_day).order_by(tickets.c.id).limit(1)).scalar()
        rolled = rolled_days(conn, first, today) if first is not None else set()
    with store.write() as conn:
        forget(conn, changed & rolled)
        state = {"audit_seen": mark}
        if seen is None:
            conn.execute(report_rollup_state.insert().values(id=1, **state))
        else:
            conn.execute(
                report_rollup_state.update().where(report_rollup_state.c.id == 1).values(**state)
            )
    if first is None:
        return 0
    due = [
        first + timedelta(days=i)
        for i in range((today - first).days)
        if first + timedelta(days=i) not in rolled - changed
    ]
    done = 0
    for day in due[:max_days] if max_days is not None else due:
        with store.read() as conn:
            counted = count(ticket_times(conn, day, day)).get(day, {})
            items = case_rollups.count(conn, day, day).get(day, {})
        with store.write() as conn:
            roll(conn, day, counted, items)
        done += 1
    return done
