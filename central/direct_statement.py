"""The counter's hot statements (the window's state, call-next's candidates and claim, a step's
ticket read and compare-and-set, the answer's reads) sent straight through the database driver.

Each is still written once as a SQLAlchemy Core statement over the tables of central.schema and
compiled by SQLAlchemy, once per dialect; what is skipped is SQLAlchemy's work per execution
(execution context, statement cache look-up, parameter set-up, result set-up), which in a burst
of call-nexts cost many times what SQLite's own work did. The values are converted exactly as
SQLAlchemy converts them: by the same column types' bind and result processors (UTC datetimes,
dates, booleans, JSON), taken from the compiled statement. tests/test_direct_statement.py holds
every statement's rows and stored values against the same statement run through SQLAlchemy.

Parameters are given positionally, in the order the statement names them (`names`); a bound
value the statement carries itself (a LIMIT) is kept from the compiled form. SQLite gets them
positionally (qmark); PostgreSQL's psycopg by name. A driver error comes out as SQLAlchemy's own
exception (IntegrityError, OperationalError …) with the engine's hide_parameters, as
central.direct_insert does, so the storage-fault handlers see what they always saw.
"""

from __future__ import annotations

import copy
from collections import namedtuple
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, StatementError

from central.schema_types import UTCDateTime

Convert = Callable[[Any], Any]
_UTC = timezone.utc
_from_text = datetime.fromisoformat


def utc_to_text(value: datetime | None) -> str | None:
    """SQLite: UTCDateTime's bind conversion and the dialect's DATETIME text in one step (the
    two are a chain of Python calls): UTC, no zone, always six digits of microseconds."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the database; use aware UTC")
    return value.astimezone(_UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def utc_from_text(value: str | None) -> datetime | None:
    """SQLite: the DATETIME text back to an aware UTC datetime, as the two conversions do."""
    if value is None:
        return None
    found = _from_text(value)
    return found.replace(tzinfo=_UTC) if found.tzinfo is None else found.astimezone(_UTC)


def bind_convert(type_: Any, dialect: Any, convert: Convert | None) -> Convert | None:
    """The column type's bind conversion `convert`, or the same in one step where we have it."""
    if convert is not None and dialect.name == "sqlite" and isinstance(type_, UTCDateTime):
        return utc_to_text
    return convert


def result_convert(type_: Any, dialect: Any, convert: Convert | None) -> Convert | None:
    if convert is not None and dialect.name == "sqlite" and isinstance(type_, UTCDateTime):
        return utc_from_text
    return convert


class _Plan:
    """One statement compiled for one dialect: its SQL, how to lay out its parameters, and how
    to turn its rows into values."""

    __slots__ = ("by_name", "columns", "converts", "raw", "row", "slots", "sql")

    def __init__(self, statement: Any, names: tuple[str, ...], conn: Connection) -> None:
        dialect = conn.dialect
        self.raw: Any = None
        compiler = dialect
        if dialect.name == "postgresql":
            # PostgreSQL's own $1 placeholders, sent as they are (psycopg's raw cursor): the
            # driver otherwise rewrites %(name)s placeholders at every execution, and caches
            # the rewrite only for statements under 4 kB (the call-next claim is over 5).
            from psycopg import RawCursor

            compiler = copy.copy(dialect)
            compiler.paramstyle, compiler.positional = "numeric_dollar", True
            self.raw = RawCursor
        compiled: Any = statement.compile(dialect=compiler)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a direct statement cannot expand parameters at execution")
        self.sql: str = compiled.string
        processors = compiled._bind_processors
        where = {name: i for i, name in enumerate(names)}
        order = compiled.positiontup  # None for a named paramstyle (psycopg)
        self.by_name = order is None
        bound = list(compiled.binds.values()) if order is None else order
        slots: list[tuple[str, int, Any, Convert | None]] = []
        for bind in bound:
            name = bind if isinstance(bind, str) else compiled.bind_names[bind]
            param = compiled.binds[name]
            index = where.get(name, -1)
            if index < 0 and (param.required or param.callable is not None):
                raise ValueError(f"the statement needs a value for {name!r}")
            convert = bind_convert(param.type, dialect, processors.get(name))
            slots.append((name, index, param.value, convert))
        self.slots = tuple(slots)
        columns = [entry.keyname for entry in compiled._result_columns]
        self.row: Any = namedtuple("Row", columns, rename=True) if columns else None
        self.columns = [entry.type for entry in compiled._result_columns]
        self.converts: tuple[tuple[int, Convert], ...] | None = None

    def send(self, driver: Any, values: Sequence[Any]) -> Any:
        """Execute with `values` (in a pipeline: sent, its rows read after the sync); the
        driver's cursor. Driver errors come out as they are."""
        if self.raw is not None:
            return self.raw(driver).execute(self.sql, self.params(values))
        return driver.execute(self.sql, self.params(values))

    def send_many(self, driver: Any, each: Sequence[Sequence[Any]], *, returning: bool) -> Any:
        """Execute once with each of `each`, on one cursor (its conversions looked up once,
        not for every execution); the cursor, each execution's rows a result set of it
        (`returning`: cursor.nextset() moves to the next)."""
        cursor = self.raw(driver) if self.raw is not None else driver.cursor()
        cursor.executemany(self.sql, [self.params(v) for v in each], returning=returning)
        return cursor

    def params(self, values: Sequence[Any]) -> Any:
        laid: list[Any] = []
        for _name, index, constant, convert in self.slots:
            value = values[index] if index >= 0 else constant
            laid.append(value if convert is None else convert(value))
        if self.by_name:
            return {slot[0]: value for slot, value in zip(self.slots, laid, strict=True)}
        return tuple(laid)

    def result(self, dialect: Any, description: Any) -> tuple[tuple[int, Convert], ...]:
        """The columns' result processors, as SQLAlchemy looks them up (by the driver's
        description of each column), once: only the columns that convert at all."""
        converts = []
        for i, type_ in enumerate(self.columns):
            convert = type_._cached_result_processor(dialect, description[i][1])
            convert = result_convert(type_, dialect, convert)
            if convert is not None:
                converts.append((i, convert))
        self.converts = tuple(converts)
        return self.converts

    def rows_of(self, conn: Connection, cursor: Any) -> list[Any]:
        """The executed `cursor`'s rows, each a named tuple of converted values."""
        found = cursor.fetchall()
        return self.made(conn, cursor, found) if found else []

    def made(self, conn: Connection, cursor: Any, found: list[Any]) -> list[Any]:
        """`found` (rows fetched from `cursor`) as named tuples of converted values."""
        converts = self.converts
        if converts is None:
            converts = self.result(conn.dialect, cursor.description)
        make = self.row._make
        if not converts:
            return [make(row) for row in found]
        rows = []
        for row in found:
            cells = list(row)
            for i, convert in converts:
                cells[i] = convert(cells[i])
            rows.append(make(cells))
        return rows


class DirectStatement:
    """`statement` run straight through the driver, its parameters given as `names` order."""

    def __init__(self, statement: Any, names: Sequence[str] = ()) -> None:
        self.statement = statement
        self.names = tuple(names)
        self._plans: dict[str, _Plan] = {}

    def plan(self, conn: Connection) -> _Plan:
        found = self._plans.get(conn.dialect.name)
        if found is None:
            found = self._plans[conn.dialect.name] = _Plan(self.statement, self.names, conn)
        return found

    def rows(self, conn: Connection, *values: Any) -> list[Any]:
        """Every row, each a named tuple of converted values (row.status, row[0] …)."""
        plan = self.plan(conn)
        return plan.rows_of(conn, _execute(conn, plan, values))

    def first(self, conn: Connection, *values: Any) -> Any:
        """The first row, or None."""
        found = self.rows(conn, *values)
        return found[0] if found else None

    def fetched(self, conn: Connection, cursor: Any) -> Any:
        """The first row of `cursor`, on which this statement ran (sent in a pipeline:
        central.pg_pipeline), converted as `first` converts it; or None."""
        found = cursor.fetchone()
        if found is None:
            return None
        return self.plan(conn).made(conn, cursor, [found])[0]

    def scalars(self, conn: Connection, *values: Any) -> list[Any]:
        """The first column of every row."""
        return [row[0] for row in self.rows(conn, *values)]

    def rowcount(self, conn: Connection, *values: Any) -> int:
        """Run a statement that returns no rows; how many rows it changed."""
        count: int = _execute(conn, self.plan(conn), values).rowcount
        return count


def _execute(conn: Connection, plan: _Plan, values: Sequence[Any]) -> Any:
    driver: Any = conn.connection.driver_connection
    try:
        return plan.send(driver, values)
    except conn.dialect.loaded_dbapi.Error as error:
        raise driver_error(conn, plan.sql, values, error) from None


def driver_error(conn: Connection, sql: str, params: Any, error: Exception) -> StatementError:
    """The driver's error as SQLAlchemy's exception, as the engine would wrap it: its
    hide_parameters keeps ID numbers and phones out of the error's text and the logs."""
    return DBAPIError.instance(
        sql,
        params,
        error,
        conn.dialect.loaded_dbapi.Error,
        hide_parameters=conn.engine.hide_parameters,
        dialect=conn.dialect,
    )
