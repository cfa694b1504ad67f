"""The daily roll-ups behind every rating tally (table `tally_daily`, see central.schema_rollups).

Writers call `bump` in the write transaction of the change, so a roll-up never disagrees with
the raw rows it counts:

    finish of a ticket            served +1                      (central.ticket_steps.finish)
    a citizen's rating            level_N +1, pending +1 if 差评  (ratings.post_rating)
    defaults of the sweep         defaults +n                    (rating_defaults.sweep_defaults)
    核实 of a pending 差评         pending -1, upheld +1 if 属实   (ratings.verify)
    整改 of an upheld 差评         rectified +1                   (ratings.rectify)

Readers: `daily_rows` (per day, optionally per clerk / window / department) and `overdue_rows`
(upheld 差评 past their rectification date: that depends on today, so it is counted from the
few open rows, never stored). `rebuild(conn, start, end)` recounts days from the raw rows; it
is idempotent, and the migration, bench/year.py and the tests use it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, literal, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from central.schema import tickets, windows
from central.schema_ratings import ratings
from central.schema_rollups import COUNTS, tally_daily

_UPSERT: dict[str, Any] = {}


def _upsert(conn: Connection) -> Any:
    """INSERT … ON CONFLICT DO UPDATE adding the new counts to the row's (built once)."""
    name = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    stmt = _UPSERT.get(name)
    if stmt is None:
        dialect = postgresql if name == "postgresql" else sqlite
        base = dialect.insert(tally_daily)
        stmt = base.on_conflict_do_update(
            index_elements=["day", "staff_no", "window_no"],
            set_={c: tally_daily.c[c] + base.excluded[c] for c in COUNTS},
        )
        _UPSERT[name] = stmt
    return stmt


def key(staff_no: str | None, window_no: int | None) -> tuple[str, int]:
    return staff_no or "", window_no or 0


def bump(
    conn: Connection, day: date, staff_no: str | None, window_no: int | None, **counts: int
) -> None:
    """Add `counts` (served=1, level_4=1, pending=-1, …) to one day's row of one clerk/window."""
    unknown = set(counts) - set(COUNTS)
    if unknown:
        raise ValueError(f"not a roll-up count: {sorted(unknown)}")
    staff_key, window_key = key(staff_no, window_no)
    values = dict.fromkeys(COUNTS, 0) | counts
    conn.execute(
        _upsert(conn), {"day": day, "staff_no": staff_key, "window_no": window_key, **values}
    )


def bump_many(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Several bumps in one statement: each dict has day, staff_no, window_no and counts."""
    if rows:
        full = []
        for r in rows:
            staff_key, window_key = key(r.get("staff_no"), r.get("window_no"))
            full.append(
                dict.fromkeys(COUNTS, 0) | r | {"staff_no": staff_key, "window_no": window_key}
            )
        conn.execute(_upsert(conn), full)


def ticket_day(conn: Connection, ticket_id: int) -> date:
    """The service day a ticket (and so its rating) is counted on."""
    day: date = conn.execute(
        select(tickets.c.service_day).where(tickets.c.id == ticket_id)
    ).scalar_one()
    return day


# --- reading ----------------------------------------------------------------------------------


def group_column(group: str | None) -> Any:
    """The roll-up column a tally groups or filters by: staff, window or department."""
    if group is None:
        return None
    return {
        "staff": tally_daily.c.staff_no,
        "window": tally_daily.c.window_no,
        "department": windows.c.department_code,
    }[group]


def daily_rows(
    conn: Connection,
    start: date,
    end: date,
    *,
    staff_no: str | None = None,
    window_no: int | None = None,
    department: str | None = None,
    group: str | None = None,
    per_day: bool = True,
) -> list[Any]:
    """Summed counts per day (and per `group`: staff / window / department) in [start, end].
    Rows have `day`, `key` (with a group) and one attribute per name in COUNTS. `per_day`
    False: one row per group over the whole range (`day` None): a year's table is then ~55
    rows to Python instead of ~14,000."""
    keys: list[Any] = [tally_daily.c.day] if per_day else []
    grouped = group_column(group)
    if grouped is not None:
        keys.insert(0, grouped.label("key"))
    columns = keys if per_day else [*keys, literal_column("NULL").label("day")]
    sums = [func.sum(tally_daily.c[c]).label(c) for c in COUNTS]
    source: Any = tally_daily
    if department is not None or group == "department":
        source = tally_daily.outerjoin(windows, windows.c.no == tally_daily.c.window_no)
    query = (
        select(*columns, *sums)
        .select_from(source)
        .where(tally_daily.c.day >= start, tally_daily.c.day <= end)
        .group_by(*keys)
    )
    if staff_no is not None:
        query = query.where(tally_daily.c.staff_no == staff_no)
    if window_no is not None:
        query = query.where(tally_daily.c.window_no == window_no)
    if department is not None:
        query = query.where(windows.c.department_code == department)
    return list(conn.execute(query).all())


class _Unindexed(ColumnElement[Any]):
    """A column SQLite must not reach through an index (`+column`); as is elsewhere. The
    review-state index's statistics average over the NULLs of every unreviewed rating (about
    390,000 rows per value on a year), so SQLite read the tickets of the whole period by day
    instead of the ~100 upheld 差评 through that index (seconds per tally on a year)."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _as_is(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(_Unindexed, "sqlite")
def _no_index(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def overdue_rows(
    conn: Connection,
    start: date,
    end: date,
    today: date,
    *,
    staff_no: str | None = None,
    window_no: int | None = None,
    department: str | None = None,
    group: str | None = None,
    per_day: bool = True,
) -> list[Any]:
    """Upheld 差评 not rectified by their date, per day (and group): rows `day`, `key`, `n`
    (`per_day` False: per group, `day` None).
    Read from the ratings table through its review-state index: only open ones are read."""
    grouped = {
        None: None,
        "staff": func.coalesce(ratings.c.staff_no, ""),
        "window": func.coalesce(ratings.c.window_no, 0),
        "department": windows.c.department_code,
    }[group]
    keys: list[Any] = [tickets.c.service_day.label("day")] if per_day else []
    if grouped is not None:
        keys.insert(0, grouped.label("key"))
    columns = keys if per_day else [*keys, literal_column("NULL").label("day")]
    query = (
        select(*columns, func.count().label("n"))
        .select_from(
            ratings.join(tickets, tickets.c.id == ratings.c.ticket_id).outerjoin(
                windows, windows.c.no == ratings.c.window_no
            )
        )
        .where(
            ratings.c.review_state == "upheld",
            ratings.c.rectify_due < today,
            _Unindexed(tickets.c.service_day) >= start,
            _Unindexed(tickets.c.service_day) <= end,
        )
        .group_by(*keys)
    )
    if staff_no is not None:
        query = query.where(ratings.c.staff_no == staff_no)
    if window_no is not None:
        query = query.where(ratings.c.window_no == window_no)
    if department is not None:
        query = query.where(windows.c.department_code == department)
    return list(conn.execute(query).all())


# --- recounting -------------------------------------------------------------------------------


def recount_query(start: date, end: date) -> Any:
    """The roll-up rows of [start, end] counted from tickets and ratings (the raw truth)."""
    cited = and_(ratings.c.id.is_not(None), ratings.c.is_default.is_(False))

    def n(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    level = {f"level_{i}": n(and_(cited, ratings.c.level == i)) for i in range(1, 6)}
    return (
        select(
            tickets.c.service_day.label("day"),
            func.coalesce(tickets.c.staff_no, literal("")).label("staff_no"),
            func.coalesce(tickets.c.window_no, literal(0)).label("window_no"),
            func.count().label("served"),
            n(ratings.c.is_default.is_(True)).label("defaults"),
            *(expr.label(name) for name, expr in level.items()),
            n(and_(cited, ratings.c.review_state == "pending")).label("pending"),
            n(and_(cited, ratings.c.review_state.in_(("upheld", "rectified")))).label("upheld"),
            n(and_(cited, ratings.c.review_state == "rectified")).label("rectified"),
        )
        .select_from(tickets.outerjoin(ratings, ratings.c.ticket_id == tickets.c.id))
        .where(
            tickets.c.status == "done",
            tickets.c.service_day >= start,
            tickets.c.service_day <= end,
        )
        .group_by(tickets.c.service_day, tickets.c.staff_no, tickets.c.window_no)
    )


def recount(
    conn: Connection, start: date, end: date
) -> dict[tuple[date, str, int], tuple[int, ...]]:
    """What the roll-up rows of [start, end] should hold: (day, staff, window) → counts."""
    return {
        (r.day, r.staff_no, r.window_no): tuple(int(getattr(r, c)) for c in COUNTS)
        for r in conn.execute(recount_query(start, end)).all()
    }


def stored(
    conn: Connection, start: date, end: date
) -> dict[tuple[date, str, int], tuple[int, ...]]:
    """The roll-up rows of [start, end] as stored (rows of all zeros left out)."""
    rows = conn.execute(
        select(tally_daily).where(tally_daily.c.day >= start, tally_daily.c.day <= end)
    ).all()
    found = {}
    for r in rows:
        counts = tuple(int(getattr(r, c)) for c in COUNTS)
        if any(counts):
            found[(r.day, r.staff_no, r.window_no)] = counts
    return found


def rebuild(conn: Connection, start: date, end: date) -> int:
    """Recount the roll-ups of [start, end] from the raw rows (idempotent); rows written."""
    conn.execute(delete(tally_daily).where(tally_daily.c.day >= start, tally_daily.c.day <= end))
    rows = [dict(r._mapping) for r in conn.execute(recount_query(start, end)).all()]
    if rows:
        conn.execute(tally_daily.insert(), rows)
    return len(rows)


def raw_range(conn: Connection) -> tuple[date, date] | None:
    """The first and last service day of the done tickets (what a full rebuild covers)."""
    lo, hi = conn.execute(
        select(func.min(tickets.c.service_day), func.max(tickets.c.service_day)).where(
            tickets.c.status == "done"
        )
    ).one()
    return (lo, hi) if lo is not None else None
