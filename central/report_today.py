"""Today's ticket figures without reading all of today's tickets on every report.

A day is rolled up (central.report_rollups) only once it is closed; until then a report
counted every ticket of today from the table: ~15,000 rows at the end of a busy day, read and
parsed one by one (~100 ms on a quiet box, 300 ms under load). But a ticket that is done or
cancelled never changes again (central.tickets.TRANSITIONS: no step leaves those states), so
its figures, once counted, stay right. `Settled` keeps, per process, today's figures of the
done and cancelled tickets up to a ticket id, with the ids of the others below it (waiting,
called, serving, held, missed — a missed ticket may be reactivated). A report then reads only
the tickets past that id and those few open ones, adds the settled figures, and moves the
mark on: the very figures a recount gives (tests/test_report_today.py).

PostgreSQL hands out ticket ids at insert and commits them in any order, so the mark stays
LOOKBACK ids (200: far more than inserts in flight at once) behind the highest id read: a
ticket committed late below it would otherwise be missed. SQLite commits in id order (one
writer): no lookback.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Text, type_coerce

from central.hall_time import service_day
from central.report_rollups import Day, Figures, Times, count, ticket_rows
from central.schema import tickets

SETTLED = frozenset(("done", "cancelled"))
LOOKBACK = {"postgresql": 200}
CHUNK = 500
COMPACT_AFTER = 8  # parts per histogram before they are folded into one


@dataclass(frozen=True)
class Settled:
    """Figures of `day`'s done and cancelled tickets with ids up to `upto`; `open_ids`: the
    day's other tickets up to `upto` as they were when read."""

    day: date
    upto: int
    open_ids: frozenset[int]
    figures: Day


@dataclass
class TodayMemo:
    """The latest `Settled` of a central process (one per Store), shared by its requests."""

    settled: Settled | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_MEMOS_LOCK = threading.Lock()
_ATTRIBUTE = "_today_memo"


def memo_of(store: Any) -> TodayMemo:
    """The memo of `store`, kept on it: one per central process and database, gone with it."""
    with _MEMOS_LOCK:
        memo = getattr(store, _ATTRIBUTE, None)
        if memo is None:
            memo = TodayMemo()
            setattr(store, _ATTRIBUTE, memo)
        return memo


def _copy(figures: Figures) -> Figures:
    copied = Figures(issued=figures.issued, served=figures.served, no_show=figures.no_show)
    copied.merge(Figures(waits=figures.waits, handles=figures.handles))
    return copied


def _compact(times: Times) -> Times:
    if len(times.parts) + (1 if times.counts else 0) <= COMPACT_AFTER:
        return times
    return Times(counts=times.histogram(), n=times.n, total_us=times.total_us)


def _added(base: Day, more: Day) -> Day:
    """base + more, as new Figures (the memo's are shared and never changed in place)."""
    total = {key: _copy(f) for key, f in base.items()}
    for key, f in more.items():
        into = total.get(key)
        if into is None:
            into = total[key] = Figures()
        into.merge(f)
    for f in total.values():
        f.waits = _compact(f.waits)
        f.handles = _compact(f.handles)
    return total


def _rows_since(conn: Connection, day: date, settled: Settled | None) -> list[tuple[Any, ...]]:
    """(id, status, *ticket_rows fields) of `day`'s tickets not in `settled`."""
    ident, status = tickets.c.id, type_coerce(tickets.c.status, Text())
    if settled is None:
        return list(ticket_rows(conn, day, day, ident, status))
    found = list(ticket_rows(conn, day, day, ident, status, after_id=settled.upto))
    ids = sorted(settled.open_ids)
    for start in range(0, len(ids), CHUNK):
        found += ticket_rows(conn, day, day, ident, status, ids=ids[start : start + CHUNK])
    return found


def day_figures(conn: Connection, day: date, memo: TodayMemo) -> Day:
    """`day`'s figures (a day not rolled up: today), from the memo and the tickets it does
    not hold; the memo moves on to what was read."""
    settled = memo.settled if memo.settled is not None and memo.settled.day == day else None
    rows = _rows_since(conn, day, settled)
    base = settled.figures if settled is not None else {}
    whole = _added(base, count(r[2:] for r in rows).get(day, {}))
    upto = settled.upto if settled is not None else 0
    highest = max((int(r[0]) for r in rows), default=upto)
    mark = max(upto, highest - LOOKBACK.get(conn.dialect.name, 0))
    below = [r for r in rows if int(r[0]) <= mark]
    newly = count(r[2:] for r in below if r[1] in SETTLED).get(day, {})
    moved = Settled(
        day=day,
        upto=mark,
        open_ids=frozenset(int(r[0]) for r in below if r[1] not in SETTLED),
        figures=_added(base, newly),
    )
    with memo.lock:  # the newest mark wins; an older reader's result is not stored over it
        current = memo.settled
        if current is None or current.day != day or current.upto <= moved.upto:
            memo.settled = moved
    return whole


def keep_up(store: Any) -> None:
    """Move the memo of `store` on to today's tickets (the periodic job, once at start and each
    round): a report then reads only what came since."""
    today = service_day(store.now())
    with store.read() as conn:
        day_figures(conn, today, memo_of(store))
