"""The rows every counter action appends (its audit row, its events, its kept answer) inserted
straight through SQLite's driver: the same Core INSERT, compiled once, its values converted by
the same column types (UTC datetimes, JSON), but none of SQLAlchemy's per-statement work
(execution context, parameter set-up, result set-up), which cost far more than the insert.

SQLite only: PostgreSQL (one round trip per statement either way) goes through SQLAlchemy.
A driver error comes out as SQLAlchemy's own exception (IntegrityError, OperationalError …),
so callers and the app's storage handlers see what they always saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert
from sqlalchemy.exc import DBAPIError


class DirectInsert:
    """INSERT INTO `table` (`columns`) VALUES (…), one row or many."""

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self.statement = insert(table).values(
            {name: bindparam(name, type_=table.c[name].type) for name in self.columns}
        )
        self._sqlite: tuple[str, list[tuple[str, Callable[[Any], Any] | None]]] | None = None

    def run(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        if conn.dialect.name != "sqlite":
            conn.execute(self.statement, rows)
            return
        sql, order = self._sqlite or self._compile(conn)
        values = [
            tuple(row[name] if convert is None else convert(row[name]) for name, convert in order)
            for row in rows
        ]
        driver: Any = conn.connection.driver_connection
        try:
            if len(values) == 1:
                driver.execute(sql, values[0])
            else:
                driver.executemany(sql, values)
        except conn.dialect.loaded_dbapi.Error as error:
            # As the engine would: its hide_parameters keeps ID numbers and phones out of logs.
            raise DBAPIError.instance(
                sql,
                values,
                error,
                conn.dialect.loaded_dbapi.Error,
                hide_parameters=conn.engine.hide_parameters,
                dialect=conn.dialect,
            ) from None

    def _compile(self, conn: Connection) -> tuple[str, list[tuple[str, Any]]]:
        compiled: Any = self.statement.compile(dialect=conn.dialect)
        processors = compiled._bind_processors  # the column types' conversions, by name
        order = [(name, processors.get(name)) for name in compiled.positiontup]
        self._sqlite = (compiled.string, order)
        return self._sqlite
