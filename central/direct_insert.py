"""The rows every counter action appends (its audit row, its events, its kept answer) inserted
straight through SQLite's driver: the same Core INSERT, compiled once, its values converted by
the same column types (UTC datetimes, JSON), but none of SQLAlchemy's per-statement work
(execution context, parameter set-up, result set-up), which cost far more than the insert.

Rows come as tuples in the order of `columns`, built once by the caller; only the columns whose
type converts at all are touched (a step's datetimes are one value, its `now`: converted once
and remembered). SQLite only: PostgreSQL (one round trip per statement either way) goes through
SQLAlchemy. A driver error comes out as SQLAlchemy's own exception (IntegrityError,
OperationalError …), so callers and the app's storage handlers see what they always saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, bindparam, insert

from central.direct_statement import bind_convert, driver_error

Convert = Callable[[Any], Any]
_NOTHING = object()

# In conn.info while a PostgreSQL group writes (central.pg_group): a list the rows are held in.
SEND_LATER = "counter_send_later"


class DirectInsert:
    """INSERT INTO `table` (`columns`) VALUES (…), one row or many."""

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self.statement = insert(table).values(
            {name: bindparam(name, type_=table.c[name].type) for name in self.columns}
        )
        self._sqlite: tuple[str, tuple[tuple[int, Convert], ...]] | None = None

    def run(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """Insert `rows`, each a tuple of values in the order of `columns`."""
        if conn.dialect.name != "sqlite":
            held = conn.info.get(SEND_LATER)
            if held is not None:  # PostgreSQL in a group: sent with the savepoint's round trip
                held.append((self.statement, self.as_dicts(rows)))  # (central.pg_group)
                return
            conn.execute(self.statement, self.as_dicts(rows))
            return
        sql, converts = self._sqlite or self._compile(conn)
        values: list[Any] = rows
        if converts:
            values = []
            for row in rows:
                cells = list(row)
                for i, convert in converts:
                    cells[i] = convert(cells[i])
                values.append(cells)
        driver: Any = conn.connection.driver_connection
        try:
            if len(values) == 1:
                driver.execute(sql, values[0])
            else:
                driver.executemany(sql, values)
        except conn.dialect.loaded_dbapi.Error as error:
            # As the engine would: its hide_parameters keeps ID numbers and phones out of logs.
            raise driver_error(conn, sql, values, error) from None

    def as_dicts(self, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        """The rows as SQLAlchemy's execute takes them."""
        return [dict(zip(self.columns, row, strict=True)) for row in rows]

    def _compile(self, conn: Connection) -> tuple[str, tuple[tuple[int, Convert], ...]]:
        compiled: Any = self.statement.compile(dialect=conn.dialect)
        if tuple(compiled.positiontup) != self.columns:  # the VALUES follow `columns`
            raise ValueError(f"unexpected parameter order {compiled.positiontup}")
        processors = compiled._bind_processors  # the column types' conversions, by name
        table = self.statement.table
        converts = []
        for i, name in enumerate(self.columns):
            convert = bind_convert(table.c[name].type, conn.dialect, processors.get(name))
            if convert is not None:
                timely = table.c[name].type._type_affinity in (DateTime, Date)
                converts.append((i, _remembered(convert) if timely else convert))
        self._sqlite = (compiled.string, tuple(converts))
        return self._sqlite


def _remembered(convert: Convert) -> Convert:
    """`convert` (of dates or times: immutable values) that remembers its last value: a step
    stamps its audit row and every event with the same `now` (one object), converted once.
    The pair is swapped in one assignment, so a thread reading it meanwhile sees the old pair
    or the new one, never half of each."""
    last: tuple[Any, Any] = (_NOTHING, None)

    def remembered(value: Any) -> Any:
        nonlocal last
        seen = last
        if value is seen[0]:
            return seen[1]
        out = convert(value)
        last = (value, out)
        return out

    return remembered
