"""Live hall events: stored in the events table (so Last-Event-ID can resume) and streamed as SSE.

Events carry ids only; clients re-fetch what they show.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from central.context import Happening
from central.direct_insert import DirectInsert
from central.direct_statement import driver_error
from central.schema import events
from central.store import BEFORE_COMMIT, EVENTS_WRITTEN
from client.models import Event

PAGE = 500


_COLUMNS = ("type", "hall", "at", "queue", "ticket_id", "window_no", "object_id")
# SQLite: the INSERT straight through the driver (central.direct_insert); PostgreSQL: _InOrder.
_DIRECT = DirectInsert(events, _COLUMNS)


def _row(ctx: Happening, type_: str, fields: dict[str, Any]) -> tuple[Any, ...]:
    """An event's row, its values in the order of _DIRECT's columns."""
    get = fields.get
    return (
        type_,
        ctx.hall,
        ctx.now,
        get("queue"),
        get("ticket_id"),
        get("window_no"),
        get("object_id"),
    )


# PostgreSQL: event ids come from a sequence, so without care a transaction holding id 41 can
# commit after the one holding 42, and a reader already past 42 would never see 41. Every
# transaction that writes events first takes this lock (held to its commit): events become
# visible in id order. It also queues NOTIFY for the readers of every server process.
_LOCK_KEY = 7031066
_NOTHING = object()
_PENDING = "counter_events_pending"


class _InOrder:
    """PostgreSQL: the order lock, the NOTIFY and every row of a transaction's events in one
    statement, one round trip, straight through the driver. It was the lock, then an
    executemany of one INSERT per event (a group of a hundred call-nexts: some 250 statements,
    each parsed, bound and executed on its own). The rows go as one array per column and come
    out of unnest in their order (WITH ORDINALITY … ORDER BY): the sequence numbers them in
    that order. Each row joins the lock's one row, so none takes its id before the lock is
    held, whichever side the planner reads first. Values are converted by the columns' own
    types (UTC datetimes), as SQLAlchemy converts them."""

    def __init__(self) -> None:
        self._sql: str | None = None
        self._converts: tuple[Any, ...] = ()
        self._cursor: Any = None

    def _compile(self, conn: Connection) -> str:
        dialect = conn.dialect
        names = ", ".join(_COLUMNS)
        arrays = ", ".join(
            f"${i}::{events.c[n].type.compile(dialect=dialect)}[]"
            for i, n in enumerate(_COLUMNS, 2)
        )
        sql = (
            "WITH locked AS (SELECT pg_advisory_xact_lock($1), pg_notify('counter_events', '')) "
            f"INSERT INTO events ({names}) SELECT {', '.join('e.' + n for n in _COLUMNS)} "
            f"FROM locked, unnest({arrays}) WITH ORDINALITY AS e({names}, n) ORDER BY e.n"
        )
        from psycopg import RawCursor  # PostgreSQL only: the driver is there

        processors = _DIRECT.statement.compile(dialect=dialect)._bind_processors
        self._converts = tuple(processors.get(n) for n in _COLUMNS)
        self._cursor = RawCursor
        self._sql = sql  # last: another writer thread may use it at once
        return sql

    def run(self, conn: Connection, rows: list[tuple[Any, ...]], *, commit: bool = False) -> None:
        """Store `rows`; with `commit`, the transaction's COMMIT follows in the same round
        trip (its last step: the order lock is then held for no round trip at all)."""
        sql = self._sql or self._compile(conn)
        params: list[Any] = [_LOCK_KEY]
        for convert, column in zip(self._converts, zip(*rows, strict=True), strict=True):
            if convert is None:
                params.append(list(column))
                continue
            values, last, done = [], _NOTHING, None
            for value in column:  # a step's rows share its `now`: converted once
                if value is not last:
                    last, done = value, convert(value)
                values.append(done)
            params.append(values)
        driver: Any = conn.connection.driver_connection
        # PostgreSQL's own $n placeholders on psycopg's raw cursor: not rewritten at each run.
        cursor = self._cursor(driver)
        try:
            if not commit:
                cursor.execute(sql, params)
                return
            with driver.pipeline():
                cursor.execute(sql, params)
                cursor.execute("COMMIT")  # the driver's own commit then finds nothing to do
        except conn.dialect.loaded_dbapi.Error as error:
            # A failed INSERT: PostgreSQL skips the COMMIT, the transaction stays open, failed,
            # and Store.write rolls it back; a failed COMMIT leaves nothing open: either way
            # no event and no write of the transaction is stored.
            raise driver_error(conn, sql, params, error) from None


_IN_ORDER = _InOrder()


def _store(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert the rows now (SQLite: one writer at a time already commits in id order), or, on
    PostgreSQL inside `Store.write`, as the transaction's last step: the lock above is then held
    only for that insert and the commit, not for the rest of the request's work — which, with
    every writer of every instance queued on it, was the whole hall's write rate."""
    if conn.dialect.name != "postgresql":
        _DIRECT.run(conn, rows)
        return
    last = conn.info.get(BEFORE_COMMIT)
    if last is None:  # a write outside Store.write: take the lock and the ids now
        _IN_ORDER.run(conn, rows)
        return
    pending: tuple[Any, list[tuple[Any, ...]]] | None = conn.info.get(_PENDING)
    if pending is None or pending[0] is not last:
        pending = (last, [])
        conn.info[_PENDING] = pending
        last.append(_store_at_commit)
    pending[1].extend(rows)


def pending_count(conn: Connection) -> int:
    """How many events this transaction has deferred so far (PostgreSQL; 0 elsewhere)."""
    pending = conn.info.get(_PENDING)
    if pending is None or pending[0] is not conn.info.get(BEFORE_COMMIT):
        return 0
    return len(pending[1])


def forget_pending(conn: Connection, keep: int) -> None:
    """Drop the deferred events after the first `keep`: their write was rolled back to a
    savepoint (central.group_commit), so they never happened."""
    pending = conn.info.get(_PENDING)
    if pending is not None and pending[0] is conn.info.get(BEFORE_COMMIT):
        del pending[1][keep:]


def _taken(conn: Connection) -> list[tuple[Any, ...]]:
    pending = conn.info.pop(_PENDING, None)
    if pending is None or pending[0] is not conn.info.get(BEFORE_COMMIT):
        return []
    return pending[1]  # type: ignore[no-any-return]


def store_pending(conn: Connection) -> None:
    """Store this transaction's deferred events now (they take their ids and the order lock)."""
    rows = _taken(conn)
    if rows:
        _IN_ORDER.run(conn, rows)


def _store_at_commit(conn: Connection) -> None:
    """Store.write's step before its commit: the deferred events and, when no other step
    follows (Store.write has taken each step off its list), the COMMIT in the same round
    trip."""
    rows = _taken(conn)
    if rows:
        _IN_ORDER.run(conn, rows, commit=not conn.info.get(BEFORE_COMMIT))


def emit(
    conn: Connection,
    ctx: Happening,
    type_: str,
    *,
    queue: str | None = None,
    ticket_id: int | None = None,
    window_no: int | None = None,
    object_id: str | None = None,
) -> None:
    """Store one event in the caller's transaction; streams wake when it commits."""
    fields = {"queue": queue, "ticket_id": ticket_id, "window_no": window_no}
    _store(conn, [_row(ctx, type_, {**fields, "object_id": object_id})])
    conn.info[EVENTS_WRITTEN] = True


def emit_many(conn: Connection, ctx: Happening, batch: list[tuple[str, dict[str, Any]]]) -> None:
    """Several events (type, fields as for emit) in one statement, stored in this order."""
    if batch:
        _store(conn, [_row(ctx, type_, fields) for type_, fields in batch])
        conn.info[EVENTS_WRITTEN] = True


def _event(row: Any) -> Event:
    return Event(
        id=row.id,
        type=row.type,
        hall=row.hall,
        at=row.at,
        queue=row.queue,
        ticket_id=row.ticket_id,
        window_no=row.window_no,
        object_id=row.object_id,
    )


_AFTER = (
    select(events)
    .where(events.c.id > bindparam("after"))
    .order_by(events.c.id)
    .limit(bindparam("limit"))
)


def events_after(conn: Connection, after: int, limit: int = PAGE) -> list[Event]:
    rows = conn.execute(_AFTER, {"after": after, "limit": limit}).all()
    return [_event(r) for r in rows]


def last_event_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(events.c.id), 0))).scalar_one())


def format_sse(event: Event) -> str:
    return f"id: {event.id}\nevent: {event.type}\ndata: {event.model_dump_json()}\n\n"
