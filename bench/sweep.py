"""The default-rating sweep under load: how long each batch holds the writer, and how long a
ticket issued meanwhile waits. On a copy of a bench/year.py database whose last days' defaults
are taken away again (`--backlog-days`, default 7: the server was off for a week), swept by
the periodic job's own time-boxed sweep (central.sweep_pace) while a kiosk issues a ticket
every 20 ms. "write transaction" is how long a batch held the writer (BEGIN IMMEDIATE to the end
of COMMIT); the ticket's time includes waiting for the writer.

    .venv/bin/python bench/sweep.py --db /work/data/year/year.db [--backlog-days 7]
    .venv/bin/python bench/sweep.py --db PATH --fixed 200     # the old fixed batches
    .venv/bin/python bench/sweep.py --db PATH --checkpoints commit   # SQLite's own checkpoints
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _spread(label: str, values: list[float]) -> str:
    values = sorted(values)
    return (
        f"{label}: median {statistics.median(values):.1f} ms, "
        f"p99 {values[int(len(values) * 0.99)]:.1f} ms, max {values[-1]:.1f} ms"
    )


def main() -> int:
    from sqlalchemy import and_, delete, exists, func, select, update

    from central import rollups, sweep_pace, wal_checkpoints
    from central import tickets as engine
    from central.context import Actor, Ctx
    from central.db import make_engine
    from central.hall_time import service_day
    from central.schema import tickets
    from central.schema_ratings import rating_sweep, ratings
    from central.settings import Settings
    from central.store import Store

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a bench/year.py database (copied first)")
    parser.add_argument("--backlog-days", type=int, default=7)
    parser.add_argument("--fixed", type=int, help="fixed batches of this size (the old way)")
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="no copy: the defaults taken away are swept back (new ids, more audit rows; the "
        "kiosk's tickets stay, cancelled)",
    )
    parser.add_argument(
        "--checkpoints",
        choices=("thread", "commit"),
        default="thread",
        help="thread: as the central runs (central.wal_checkpoints); commit: SQLite's own, "
        "inside the commit that fills the log",
    )
    args = parser.parse_args()
    copy = Path(args.db) if args.in_place else Path(f"{args.db}.sweep.db")
    if not args.in_place:
        t0 = time.perf_counter()
        shutil.copyfile(args.db, copy)
        print(f"copied in {time.perf_counter() - t0:.0f} s", flush=True)
    settings = Settings(db_path=str(copy))
    store = Store(
        engine=make_engine(settings), settings=settings, hall="demo",
        writer=make_engine(settings, writer=True),
    )  # fmt: skip
    cutoff = store.now() - timedelta(days=settings.rating_window_days)
    since = cutoff - timedelta(days=args.backlog_days)
    with store.write() as conn:
        mine = exists().where(
            tickets.c.id == ratings.c.ticket_id, tickets.c.finished_at > since
        )  # fmt: skip
        gone = conn.execute(delete(ratings).where(and_(ratings.c.is_default, mine))).rowcount
        conn.execute(delete(rating_sweep))
        conn.execute(rating_sweep.insert().values(id=1, swept_until=since))
        first = conn.execute(select(func.min(tickets.c.service_day)).where(
            tickets.c.finished_at > since)).scalar()  # fmt: skip
        rollups.rebuild(conn, first, service_day(store.now()))
    print(f"backlog: {gone:,} services due their default ({args.backlog_days} days)", flush=True)
    kiosk = Actor("kiosk01", "1 号取号机", "device", device_kind="kiosk")
    waits: list[float] = []
    issued: list[int] = []
    sweeping = True

    def issue() -> None:
        while sweeping:
            t0 = time.perf_counter()
            with store.write() as conn:
                made = engine.issue_ticket(conn, Ctx(kiosk, store.now(), "demo"), "A")
            waits.append((time.perf_counter() - t0) * 1000)
            issued.append(made.id)
            time.sleep(0.02)

    holds: list[float] = []
    sizes: list[int] = []

    class Recording(sweep_pace.Pace):
        def took(self, seconds: float, stored: int) -> None:
            holds.append(seconds * 1000)
            sizes.append(stored)
            if args.fixed is None:
                super().took(seconds, stored)

    pace = Recording(size=args.fixed or sweep_pace.Pace().size)
    kiosk_thread = threading.Thread(target=issue)
    kiosk_thread.start()
    started = time.perf_counter()
    with wal_checkpoints.running(store) if args.checkpoints == "thread" else nullcontext():
        total = sweep_pace.sweep(store, pace)
        took = time.perf_counter() - started
        sweeping = False
        kiosk_thread.join()
    how = f"fixed batches of {args.fixed}" if args.fixed else "time-boxed batches"
    print(f"swept {total:,} defaults in {len(holds):,} {how} in {took:.1f} s")
    print(f"batch sizes: median {statistics.median(sizes):.0f}, min {min(sizes)}, max {max(sizes)}")
    print(_spread("write transaction per batch", holds))
    print(_spread(f"{len(waits)} tickets issued meanwhile", waits))
    if args.in_place:  # the bench's own tickets leave the queue
        with store.write() as conn:
            conn.execute(update(tickets).where(tickets.c.id.in_(issued)).values(status="cancelled"))
        store.dispose()
        return 0
    store.dispose()
    copy.unlink()
    for extra in (Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        extra.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
