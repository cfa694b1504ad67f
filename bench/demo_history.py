"""How long the supervisor demo's past takes to write: `counter demo --as supervisor` seeds the
last HISTORY_DAYS days (HISTORY_PER_DAY services a working day) into a fresh demo database.

Times seed_history alone (no pause between days, nothing else running), and says how many
services, cases, ratings and callbacks it wrote.

    .venv/bin/python bench/demo_history.py [--days 30] [--per-day 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from central.demo_history import seed_history
from central.hall_time import service_day
from central.schema import cases, tickets
from central.schema_ratings import ratings
from central.schema_supervision import callbacks
from counter.demo.hall import HISTORY_DAYS, HISTORY_PER_DAY, build_demo


def once(days: int, per_day: int) -> tuple[float, dict[str, int]]:
    hall = build_demo(seed=1, simulate=False)
    try:
        store = hall.app.state.store
        today = service_day(store.now())
        began = time.perf_counter()
        seed_history(hall.app, today, days, per_day, 1)
        took = time.perf_counter() - began
        with store.engine.connect() as conn:
            counts = {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in (("tickets", tickets), ("cases", cases),
                                    ("ratings", ratings), ("callbacks", callbacks))
            }  # fmt: skip
        return took, counts
    finally:
        asyncio.run(hall.aclose())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=HISTORY_DAYS)
    parser.add_argument("--per-day", type=int, default=HISTORY_PER_DAY)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        took, counts = once(args.days, args.per_day)
        times.append(took)
        print(f"{took:6.2f} s  {counts}")
    print(f"median {statistics.median(times):.2f} s over {args.runs} runs")


if __name__ == "__main__":
    main()
