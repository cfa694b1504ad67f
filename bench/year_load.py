"""How bench/year.py writes its days fast: each working day is made in memory by a worker
process (bench/year_tickets.generate_day), packed there into rows ready for the driver, and
written by the one writer in a single transaction per day (SQLite: the DB-API's executemany;
PostgreSQL: COPY). The columns are the product's own tables' (central/schema*.py); values are
bound as SQLAlchemy's types bind them on each backend.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, Table

from bench.year_tickets import Hall, generate_day
from central.schema import (
    audit,
    case_sequences,
    cases,
    events,
    idempotency_keys,
    ticket_sequences,
    tickets,
)
from central.schema_ratings import ratings

# In the order the writer inserts them (ratings before the audit rows that name their ids).
_ORDER = (tickets, ticket_sequences, cases, case_sequences, ratings, audit, events)
TABLES: dict[str, Table] = {t.name: t for t in (*_ORDER, idempotency_keys)}


def _sqlite_value(column: Any) -> Callable[[Any], Any] | None:
    """How SQLAlchemy binds a value of this column on SQLite, without its per-row work: UTC
    datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (no zone), dates ISO, JSON by json.dumps,
    booleans 0/1. None: the value as it is."""
    kind = type(column.type).__name__
    if kind == "UTCDateTime":

        def when(v: datetime | None) -> str | None:
            if v is None:
                return None
            if v.tzinfo is not timezone.utc:
                v = v.astimezone(timezone.utc)
            return v.isoformat(" ", "microseconds")[:26]

        return when
    if kind == "Date":
        return lambda v: None if v is None else v.isoformat()
    if kind == "JSON":
        return lambda v: None if v is None else json.dumps(v)
    if kind == "Boolean":
        return lambda v: None if v is None else int(v)
    return None


def _pg_value(column: Any) -> Callable[[Any], Any] | None:
    """For COPY: JSON as its text; everything else psycopg writes as the server reads it."""
    if type(column.type).__name__ == "JSON":
        return lambda v: None if v is None else json.dumps(v)
    return None


# One table's rows for the writer: the column names, the values per row, and for rows that
# name a rating of the same day, (row index, column index, the rating's place in the day).
Packed = tuple[list[str], list[tuple[Any, ...]], list[tuple[int, int, int]]]


def pack(tables: dict[str, list[dict[str, Any]]], dialect: str) -> dict[str, Packed]:
    out: dict[str, Packed] = {}
    value = _sqlite_value if dialect == "sqlite" else _pg_value
    for name, rows in tables.items():
        if not rows:
            continue
        table = TABLES[name]
        names = [c.name for c in table.columns if c.name in rows[0]]
        convert = [(n, value(table.c[n])) for n in names]
        values = [tuple(r[n] if f is None else f(r[n]) for n, f in convert) for r in rows]
        patches: list[tuple[int, int, int]] = []
        if name == "ratings":
            patches = [(i, names.index("id"), i) for i in range(len(rows))]
        elif name in ("audit", "events"):
            col = names.index("object_id")
            patches = [(i, col, r["_rating"]) for i, r in enumerate(rows) if "_rating" in r]
        out[name] = (names, values, patches)
    return out


_HALL: Hall | None = None  # the hall, set before the workers are forked (they inherit it)


Task = tuple[date, int, int, datetime, int, bool, bool, str, bool]


def _make(task: Task) -> dict[str, Packed]:
    day, first_id, seed, now, count, keep_events, keep_idempotency, dialect, defaults = task
    assert _HALL is not None
    made = generate_day(
        _HALL, day, first_id, seed, now, count, keep_events, keep_idempotency, defaults
    )
    return pack(made, dialect)


def _own_session() -> None:
    with contextlib.suppress(OSError):
        os.setsid()


def days_made(hall: Hall, tasks: list[Task], workers: int) -> Iterator[dict[str, Packed]]:
    """The packed days in order, made `workers` at a time a few days ahead of the writer (not
    more: a day is some 100 MB in memory)."""
    global _HALL
    _HALL = hall
    if workers <= 1:
        for task in tasks:
            yield _make(task)
        return
    # Each worker in a session of its own: where the kernel shares the CPU per session
    # (autogroup), workers left in the builder's session would share one slice between them.
    with multiprocessing.get_context("fork").Pool(workers, initializer=_own_session) as pool:
        ahead: deque[Any] = deque()
        todo = iter(tasks)
        for task in todo:
            ahead.append(pool.apply_async(_make, (task,)))
            if len(ahead) >= workers + 1:
                break
        while ahead:
            made = ahead.popleft().get()
            task = next(todo, None)
            if task is not None:
                ahead.append(pool.apply_async(_make, (task,)))
            yield made


def write_day(conn: Connection, day: dict[str, Packed]) -> dict[str, int]:
    """One day's rows in the caller's transaction; the rows written per table. The day's
    ratings are numbered after the last one stored, and the audit and event rows that name
    them get those numbers."""
    first = int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM ratings").scalar() or 0)
    counts: dict[str, int] = {}
    for name in TABLES:
        if name not in day:
            continue
        names, values, patches = day[name]
        for i, col, offset in patches:
            row = list(values[i])
            row[col] = first + 1 + offset if name == "ratings" else str(first + 1 + offset)
            values[i] = tuple(row)
        _insert(conn, name, names, values)
        counts[name] = len(values)
    return counts


def _insert(conn: Connection, name: str, names: list[str], values: list[tuple[Any, ...]]) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    columns = ", ".join(names)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(names))
        cursor = raw.cursor()
        cursor.executemany(f'INSERT INTO "{name}" ({columns}) VALUES ({marks})', values)
        cursor.close()
        return
    with raw.cursor() as cursor, cursor.copy(f'COPY "{name}" ({columns}) FROM STDIN') as copy:
        for row in values:
            copy.write_row(row)


def fix_sequences(conn: Connection) -> None:
    """PostgreSQL: ids given explicitly (tickets, ratings) leave their sequences behind; move
    them past the rows so the product's own inserts go on from there."""
    if conn.dialect.name != "postgresql":
        return
    for name in ("tickets", "ratings"):
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {name}))"
        )
