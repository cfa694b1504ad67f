"""The default-rating sweep under load: how long each batch holds the writer, and how long a
ticket issued meanwhile waits. On a copy of a bench/year.py database whose defaults are taken
away again, so the whole backlog is due at once (the worst case: the server was off for days).

    .venv/bin/python bench/sweep.py --db /tmp/month.db [--batch 200]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> int:
    from sqlalchemy import delete, update

    from central import rating_defaults as rating
    from central import tickets as engine
    from central.context import Actor, Ctx, SystemCtx
    from central.db import make_engine
    from central.schema_ratings import rating_sweep, ratings
    from central.schema_rollups import tally_daily
    from central.settings import Settings
    from central.store import Store

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="a bench/year.py database (copied first)")
    parser.add_argument("--batch", type=int, default=rating.SWEEP_BATCH)
    args = parser.parse_args()
    copy = Path(f"{args.db}.sweep.db")
    shutil.copyfile(args.db, copy)
    settings = Settings(db_path=str(copy))
    store = Store(
        engine=make_engine(settings), settings=settings, hall="demo",
        writer=make_engine(settings, writer=True),
    )  # fmt: skip
    with store.write() as conn:
        gone = conn.execute(delete(ratings).where(ratings.c.is_default)).rowcount
        conn.execute(delete(rating_sweep))
        conn.execute(update(tally_daily).values(defaults=0))
    print(f"backlog: {gone:,} services due their default")
    kiosk = Actor("kiosk01", "1 号取号机", "device", device_kind="kiosk")
    waits: list[float] = []
    sweeping = True

    def issue() -> None:
        while sweeping:
            t0 = time.perf_counter()
            with store.write() as conn:
                engine.issue_ticket(conn, Ctx(kiosk, store.now(), "demo"), "A")
            waits.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.02)

    kiosk_thread = threading.Thread(target=issue)
    kiosk_thread.start()
    holds: list[float] = []
    total = 0
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        with store.write() as conn:
            stored, done = rating.sweep_defaults(
                conn, SystemCtx(store.now(), "demo"), settings, args.batch
            )
        holds.append((time.perf_counter() - t0) * 1000)
        total += stored
        if done:
            break
        time.sleep(rating.SWEEP_PAUSE_S)  # as rating_defaults.sweep does between batches
    took = time.perf_counter() - started
    sweeping = False
    kiosk_thread.join()
    holds.sort()
    waits.sort()
    print(f"swept {total:,} defaults in {len(holds):,} batches of {args.batch} in {took:.1f} s")
    print(
        f"write transaction per batch: median {statistics.median(holds):.1f} ms, "
        f"p99 {holds[int(len(holds) * 0.99)]:.1f} ms, max {holds[-1]:.1f} ms"
    )
    print(
        f"{len(waits)} tickets issued meanwhile: median {statistics.median(waits):.1f} ms, "
        f"p99 {waits[int(len(waits) * 0.99)]:.1f} ms, max {waits[-1]:.1f} ms"
    )
    store.dispose()
    copy.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
