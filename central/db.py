"""The database engine: SQLite (WAL) by default, PostgreSQL through a URL; one code path.

Write transactions on SQLite open with BEGIN IMMEDIATE so concurrent writers queue on the
database lock (busy_timeout) instead of failing half-way with "database is locked"; reads use
a plain BEGIN and, under WAL, never wait for writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from central.settings import Settings

_WRITE = "counter_write"


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL; a plain postgresql:// or postgres:// URL means psycopg 3."""
    url = settings.db_url
    if not url:
        return f"sqlite+pysqlite:///{settings.db_path}"
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def _postgresql_engine(url: str, settings: Settings) -> Engine:
    """One pooled session per worker thread, kept open (no connect per request), and no
    pre-ping: a checkout costs no round trip. A session the server dropped fails one request
    and is replaced; pool_recycle retires sessions before idle-timeouts of proxies do."""
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=10,
        pool_timeout=60,
        pool_recycle=1800,
        pool_pre_ping=False,
        # The session used last is used next: the group writer's statements stay prepared
        # and its backend's caches warm, instead of taking turns with every pooled session.
        pool_use_lifo=True,
        connect_args={
            # Not the interpreter-wide default: a hall's name shows in pg_stat_activity.
            "application_name": "counter-central",
            # Prepared from a statement's second run in a session (psycopg's default: its
            # sixth): the call-next claim, a statement of four tiers, was planned anew by each
            # pooled session five times over, a plan dearer than the claim itself.
            "prepare_threshold": 1,
        },
        hide_parameters=True,
    )


def make_engine(settings: Settings, *, writer: bool = False) -> Engine:
    """The engine; `writer=True` on SQLite: the one-connection engine for write transactions.

    SQLite runs one write transaction at a time anyway. Writers that wait for the connection
    in this process queue in order; writers that wait on the database lock poll it with
    growing sleeps (busy_timeout), which under a burst of calls costs seconds. Other
    processes on the same file still meet SQLite's lock, so correctness never rests on this.
    """
    url = database_url(settings)
    if not url.startswith("sqlite"):
        return _postgresql_engine(url, settings)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=1 if writer else settings.db_pool_size,
        max_overflow=0 if writer else 10,
        pool_timeout=60,
        hide_parameters=True,  # an error in the log never shows ID numbers or phones
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take BEGIN away from pysqlite; the "begin" hook below emits our own.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        # Straight to the driver: BEGIN needs no statement cache, parameters or result, and
        # through exec_driver_sql it cost as much as a whole indexed read.
        driver: Any = conn.connection.driver_connection
        driver.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: commits on success, rolls back on any exception."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """A read-only snapshot (under WAL it never waits for a writer).

    PostgreSQL reads without BEGIN and COMMIT: at READ COMMITTED every statement takes its own
    snapshot inside a transaction too, so the transaction only cost two round trips per read."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            yield conn.execution_options(isolation_level="AUTOCOMMIT")
            return
        with conn.begin():
            yield conn
