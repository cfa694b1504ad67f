"""PostgreSQL: statements whose order matters but whose answers do not depend on each other,
sent in one round trip (a psycopg pipeline: every statement, then one sync).

The server still runs them one after another, each with its own snapshot (READ COMMITTED):
a read sent after a lock sees everything the lock's holder committed, as when they are sent
one by one. What goes is the wait between them — the round trip, and with it a hand-over of
the interpreter lock from the writer thread to the event loop and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from central.direct_statement import DirectStatement, driver_error


def then_first(
    conn: Connection, first: DirectStatement, then: DirectStatement, *values: Any
) -> Any:
    """Run `first` (its rows unread: a lock), then `then`, each with `values`, in one round
    trip; `then`'s first row (converted as DirectStatement.first does), or None."""
    lock, read = first.plan(conn), then.plan(conn)
    driver: Any = conn.connection.driver_connection
    try:
        with driver.pipeline():
            lock.send(driver, values)
            cursor = read.send(driver, values)
        return then.fetched(conn, cursor)
    except conn.dialect.loaded_dbapi.Error as error:
        raise driver_error(conn, f"{lock.sql}; {read.sql}", values, error) from None


def rows_of_each(
    conn: Connection, reads: Sequence[tuple[DirectStatement, Sequence[Any]]]
) -> list[list[Any]]:
    """Every row of each read (a statement and its values, as DirectStatement.rows takes
    them), the reads run in this order; on PostgreSQL all of them in one round trip."""
    if conn.dialect.name != "postgresql":
        return [statement.rows(conn, *values) for statement, values in reads]
    plans = [(statement.plan(conn), values) for statement, values in reads]
    driver: Any = conn.connection.driver_connection
    try:
        with driver.pipeline():
            cursors = [plan.send(driver, values) for plan, values in plans]
        return [
            plan.rows_of(conn, cursor) for (plan, _), cursor in zip(plans, cursors, strict=True)
        ]
    except conn.dialect.loaded_dbapi.Error as error:
        sql = "; ".join(plan.sql for plan, _ in plans)
        raise driver_error(conn, sql, [v for _, v in plans], error) from None
