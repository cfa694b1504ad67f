"""A year of a real hall (issue 12): build it into a fresh database, then measure every read.

    .venv/bin/python bench/year.py --db /tmp/year.db              # 365 days ending today
    .venv/bin/python bench/year.py --db /tmp/month.db --days 30   # a shorter run
    .venv/bin/counter serve --db /tmp/year.db --catalog /tmp/year.db.catalog.toml
    .venv/bin/python bench/year.py --measure --url http://127.0.0.1:8080

The hall: the demo hall's accounts (clerk 1001, supervisor 2001, password `counter`) with 55
windows, a 1,325-item catalog (bench/make_catalog.py, written next to the database), 10,000
tickets each working day (the official calendar), an intake at the general windows for each
综合受理 service (all four decisions), ~38,000 citizens' ratings a year with their 差评 verified
and rectified, ~2,000 escalations through every state, the defaults of every unrated service,
audit rows for all of it, the live events of the replay window and a day of idempotency
records (what pruning keeps). The schema is the product's (its Alembic history); bulk rows are
inserted with SQLAlchemy Core on its tables, the rare steps (核实, 整改, every escalation step,
the default sweep, the roll-ups) run through the product's own functions.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ITEMS = 1325


def _engine(db: str | None, url: str | None) -> Any:
    """The product's engine, without waiting for the disk on each commit while building (a
    crash mid-build leaves a database to throw away anyway)."""
    from sqlalchemy import event

    from central.db import make_engine
    from central.settings import Settings

    engine = make_engine(Settings(db_path=db) if url is None else Settings(db_url=url))

    @event.listens_for(engine, "connect")
    def _fast(dbapi_conn: Any, _record: Any) -> None:
        if url is None:
            dbapi_conn.execute("PRAGMA synchronous=OFF")
            dbapi_conn.execute("PRAGMA cache_size=-400000")
            dbapi_conn.execute("PRAGMA temp_store=MEMORY")
        else:
            dbapi_conn.execute("SET synchronous_commit = off")

    return engine


def build(
    db: Path | None, url: str | None, days: int, seed: int, now: datetime, workers: int
) -> None:
    from sqlalchemy import select

    from bench.make_catalog import generate
    from bench.year_hall import TICKETS_PER_DAY, local, year_hall
    from bench.year_later import escalations, reviews, sweep_and_rollups, swept_until
    from bench.year_load import days_made, fix_sequences, write_day
    from bench.year_tickets import Hall
    from central.calendar import WorkCalendar
    from central.catalog import load_catalog
    from central.db import write_tx
    from central.hall_seed import apply_hall
    from central.hall_time import service_day
    from central.migrate import upgrade
    from central.schema import staff as staff_table
    from central.schema import window_queues, windows
    from central.store import make_hasher

    if db is not None and db.exists():
        raise SystemExit(f"{db} exists; give a new path (the year is built into a fresh database)")
    started = time.perf_counter()
    catalog_path = Path(f"{db}.catalog.toml") if db is not None else Path("year.catalog.toml")
    catalog_path.write_text(generate(ITEMS, seed), encoding="utf-8")
    catalog = load_catalog(catalog_path)
    engine = _engine(None if db is None else str(db), url)
    upgrade(engine)
    with engine.connect() as conn:
        if conn.execute(select(staff_table.c.staff_no).limit(1)).first() is not None:
            raise SystemExit("the database already holds a hall; give a fresh one")
    today = service_day(now)
    first = today - timedelta(days=days - 1)
    hasher = make_hasher(False)  # real argon2 hashes: the accounts log in as in any hall
    with write_tx(engine) as conn:
        apply_hall(
            conn,
            year_hall(),
            hasher.hash,
            datetime.combine(first, datetime.min.time(), timezone.utc),
        )
        usual = {r.usual_window: r.staff_no for r in conn.execute(select(staff_table)).all()}
        general = {w.no: bool(w.general) for w in conn.execute(select(windows)).all()}
        department_of = {w.no: w.department_code for w in conn.execute(select(windows)).all()}
        windows_of: dict[str, list[tuple[int, str, bool]]] = {}
        for wq in conn.execute(select(window_queues)).all():
            windows_of.setdefault(wq.queue_prefix, []).append(
                (wq.window_no, usual[wq.window_no], general[wq.window_no])
            )
    dialect = engine.dialect.name
    engine.dispose()  # the workers are forked next: no open connection to inherit
    calendar = WorkCalendar.default()
    hall = Hall(windows_of, list(catalog.items), calendar, catalog.version, department_of)
    working_days = [
        first + timedelta(days=i)
        for i in range(days)
        if calendar.is_working_day(first + timedelta(days=i))
    ]
    # Ticket ids in blocks of a day (every past day has exactly TICKETS_PER_DAY; today may
    # stop early, and it is the last). Days whose rating period ended well before today get
    # their defaults made with them; the newest are left to the product's sweep.
    swept_to = today - timedelta(days=9)
    tasks = [
        (day, 1 + k * TICKETS_PER_DAY, seed, now, TICKETS_PER_DAY, (today - day).days < 3,
         (today - day).days < 1, dialect, day <= swept_to)
        for k, day in enumerate(working_days)
    ]  # fmt: skip
    totals: dict[str, int] = {}
    for k, made in enumerate(days_made(hall, tasks, workers), start=1):
        day = tasks[k - 1][0]
        with write_tx(engine) as conn:
            counts = write_day(conn, made)
        for name, n in counts.items():
            totals[name] = totals.get(name, 0) + n
        if k % 10 == 0 or k == len(tasks):
            took = time.perf_counter() - started
            print(
                f"  {day}  {k} working days, {totals['tickets']:,} tickets, "
                f"{totals['ratings']:,} ratings with the defaults, {took:.0f} s",
                flush=True,
            )
    with write_tx(engine) as conn:
        fix_sequences(conn)
        # The sweep's watermark where the defaults made with the days end.
        swept_until(conn, local(swept_to + timedelta(days=1), 0))
    print(f"tickets, cases, ratings, audit: {time.perf_counter() - started:.0f} s", flush=True)
    rng = random.Random(seed)
    reviews(engine, calendar, now, rng)
    escalations(engine, calendar, catalog, now, rng, first, days)
    print(f"差评 reviews and escalations: {time.perf_counter() - started:.0f} s", flush=True)
    sweep_and_rollups(engine, now)
    took = time.perf_counter() - started
    print(f"defaults, roll-ups, ANALYZE: {took:.0f} s", flush=True)
    engine.dispose()
    if db is not None:
        report(db, days, len(working_days), took)
    else:
        assert url is not None
        report_pg(url, days, len(working_days), took)


def report(db: Path, days: int, working: int, took: float) -> None:
    import sqlite3

    size = db.stat().st_size + sum(
        p.stat().st_size for p in (Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()
    )
    con = sqlite3.connect(db)
    names = [
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    ]
    print(f"\n{db}: {days} days ({working} working), built in {took:.0f} s")
    print(f"database size: {size / 2**20:,.1f} MiB")
    has_dbstat = True
    for name in names:
        if name.startswith(("sqlite_", "alembic")):
            continue
        rows = con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
        extra = ""
        if has_dbstat:
            try:
                used = con.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name = ? OR name IN "
                    "(SELECT name FROM sqlite_master WHERE tbl_name = ? AND type = 'index')",
                    (name, name),
                ).fetchone()[0]
                extra = f"  {used / 2**20:10,.1f} MiB with indexes"
            except sqlite3.OperationalError:
                has_dbstat = False
        print(f"  {name:22} {rows:>12,}{extra}")
    con.close()


def report_pg(url: str, days: int, working: int, took: float) -> None:
    from sqlalchemy import create_engine, text

    from central.db import database_url
    from central.settings import Settings

    engine = create_engine(database_url(Settings(db_url=url)))
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
        print(f"\n{url}: {days} days ({working} working), built in {took:.0f} s")
        print(f"database size: {int(size or 0) / 2**20:,.1f} MiB")
        names = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        ).scalars()
        for name in list(names):
            if name.startswith("alembic"):
                continue
            rows = conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
            used = conn.execute(text(f"SELECT pg_total_relation_size('\"{name}\"')")).scalar()
            mib = int(used or 0) / 2**20
            print(f"  {name:22} {int(rows or 0):>12,}  {mib:10,.1f} MiB with indexes")
    engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="the SQLite file to build (must not exist)")
    parser.add_argument(
        "--db-url", help="a PostgreSQL database to build into instead (empty, or fresh)"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes making the days"
    )
    parser.add_argument("--days", type=int, default=365, help="days ending today (default 365)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--measure", action="store_true", help="time every read over HTTP")
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="for --measure")
    parser.add_argument("--repeat", type=int, default=5, help="for --measure: runs per query")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        help="for --measure: the day taken as today (default: the hall's today), e.g. the "
        "year's last day when measuring after midnight",
    )
    args = parser.parse_args(argv)
    if args.measure:
        from bench.year_measure import measure

        return measure(args.url, args.repeat, args.today)
    if (args.db is None) == (args.db_url is None):
        parser.error("give --db PATH or --db-url URL (or --measure)")
    build(args.db, args.db_url, args.days, args.seed, datetime.now(timezone.utc), args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
