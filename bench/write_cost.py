"""What one call-next and one no-show cost the server, in CPU and SQL statements.

Runs the central app in this process (SQLite, or PostgreSQL with --db-url) through
httpx.ASGITransport, one request at a time, so the figures do not depend on how busy the shared
box is the way a latency percentile does: CPU milliseconds per request (this process's CPU
time, the client's part included, over wall time), and the statements each request sends.

    .venv/bin/python bench/write_cost.py [--calls 300] [--db-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from big_hall import write_big_hall
from callnext import empty_database

from central.app import create_app
from central.serve import quiet_collector
from central.settings import Settings
from client.api import CentralClient


async def measure(app: Any, calls: int) -> None:
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    store = app.state.store
    for engine in {store.engine, store.writer or store.engine}:
        event.listen(engine, "before_cursor_execute", count)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app):
        kiosk = CentralClient("http://central", transport=transport)
        await kiosk.login("kiosk", "load")
        for _ in range(calls // 50 + 1):
            await asyncio.gather(*(kiosk.issue_ticket("A") for _ in range(50)))
        clerk = CentralClient("http://central", transport=transport)
        await clerk.login("c001", "load")
        await clerk.sign_on(1)
        for _warm in range(20):  # statement caches, the session cache
            ticket = await clerk.call_next(1)
            assert ticket is not None
            await clerk.no_show(ticket.id)
        timings: dict[str, list[float]] = {"call-next": [], "no-show": []}
        sql: dict[str, int] = {"call-next": 0, "no-show": 0}
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(calls):
            t0, s0 = time.process_time(), statements
            ticket = await clerk.call_next(1)
            assert ticket is not None
            timings["call-next"].append(time.process_time() - t0)
            sql["call-next"] += statements - s0
            t0, s0 = time.process_time(), statements
            await clerk.no_show(ticket.id)
            timings["no-show"].append(time.process_time() - t0)
            sql["no-show"] += statements - s0
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        for name, spent in timings.items():
            print(
                f"{name}: {sum(spent) / len(spent) * 1000:.2f} ms CPU per request "
                f"(client and server in one process), {sql[name] / calls:.1f} SQL statements "
                "through SQLAlchemy (on SQLite the audit row, the events and the kept answer go "
                "straight through the driver and are not counted: 3 more)"
            )
        print(f"{2 * calls} requests: {cpu:.2f} s CPU over {wall:.2f} s wall")
        await kiosk.aclose()
        await clerk.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--db-url", help="a PostgreSQL database (emptied first!)")
    parser.add_argument(
        "--default-gc", action="store_true", help="Python's default collector, not the server's"
    )
    args = parser.parse_args()
    os.environ.setdefault("COUNTER_KDF_FAST", "1")
    with tempfile.TemporaryDirectory() as tmp:
        seed = write_big_hall(Path(tmp) / "hall.toml", windows=10)
        if args.db_url:
            empty_database(args.db_url)
        settings = Settings(
            db_path=str(Path(tmp) / "central.db"), db_url=args.db_url, seed=str(seed), kdf_fast=True
        )
        app = create_app(settings)
        if not args.default_gc:
            quiet_collector()  # as `counter serve` runs
        asyncio.run(measure(app, args.calls))


if __name__ == "__main__":
    main()
