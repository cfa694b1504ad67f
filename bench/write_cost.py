"""What one call-next and one no-show cost the server, in CPU and SQL statements.

Runs the central app in this process (SQLite, or PostgreSQL with --db-url) through
httpx.ASGITransport, one request at a time, so the figures do not depend on how busy the shared
box is the way a latency percentile does: CPU milliseconds per request (this process's CPU
time, the client's part included, over wall time), the statements each request sends (through
SQLAlchemy, and on SQLite every statement the driver runs: savepoints and the rows sent straight
through the driver included), and the CPU of the two threads that do the counter's writes (the
writer: the write transactions; the answerer: the answers' reads after the commit).

`--windows N` (N ≥ 2) runs N windows' call-next → no-show at once instead, so the writer
commits them in groups as in a burst (its CPU per request is then the burst's).
`--profile FILE` writes a cProfile of the writer thread's groups (pstats format).

    .venv/bin/python bench/write_cost.py [--calls 300] [--windows 1] [--db-url URL]
        [--no-hot-front]

`--no-hot-front` sends every request through the full FastAPI app (central.hot_front off):
the difference is what the front saves a call-next and a no-show.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from big_hall import write_big_hall
from callnext import empty_database

from central import group_commit
from central.app import create_app
from central.serve import quiet_collector
from central.settings import Settings
from client.api import CentralClient


class Counts:
    """Statements through SQLAlchemy, statements the SQLite driver ran, and the CPU seconds of
    the writer and answering threads, as they stand now."""

    def __init__(self, app: Any) -> None:
        self.alchemy = 0
        self.driver = 0
        store = app.state.store
        for engine in {store.engine, store.writer or store.engine}:
            event.listen(engine, "before_cursor_execute", self._alchemy)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", self._trace)
                engine.dispose()  # connections opened from now on are counted

    def _alchemy(self, *_args: Any) -> None:
        self.alchemy += 1

    def _trace(self, dbapi_conn: Any, _record: Any) -> None:
        def traced(_sql: str) -> None:
            self.driver += 1

        dbapi_conn.set_trace_callback(traced)

    @staticmethod
    def threads() -> tuple[float, float]:
        writer = answers = 0.0
        for thread in threading.enumerate():
            if thread.ident is None or not thread.is_alive():
                continue
            spent = time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            if thread.name == "counter-writer":
                writer += spent
            elif thread.name.startswith("counter-answers"):
                answers += spent
        return writer, answers

    def now(self) -> tuple[int, int, float, float]:
        return (self.alchemy, self.driver, *self.threads())


def _report(name: str, requests: int, start: tuple[Any, ...], end: tuple[Any, ...]) -> None:
    alchemy, driver, writer, answers = (b - a for a, b in zip(start, end, strict=True))
    print(
        f"{name}: {alchemy / requests:.1f} SQL statements through SQLAlchemy, "
        f"{driver / requests:.1f} run by SQLite's driver in all (savepoints, BEGIN/COMMIT and "
        f"the rows sent straight through it included; 0 on PostgreSQL); writer thread "
        f"{writer / requests * 1e6:.0f} µs CPU, answering thread {answers / requests * 1e6:.0f} µs"
    )


async def one_at_a_time(app: Any, clerk: CentralClient, counts: Counts, calls: int) -> None:
    timings: dict[str, list[float]] = {"call-next": [], "no-show": []}
    totals = {name: [0, 0, 0.0, 0.0] for name in timings}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(calls):
        t0, c0 = time.process_time(), counts.now()
        ticket = await clerk.call_next(1)
        assert ticket is not None
        timings["call-next"].append(time.process_time() - t0)
        c1 = counts.now()
        await clerk.no_show(ticket.id)
        timings["no-show"].append(time.process_time() - t0 - timings["call-next"][-1])
        c2 = counts.now()
        for name, (a, b) in (("call-next", (c0, c1)), ("no-show", (c1, c2))):
            totals[name] = [t + (y - x) for t, x, y in zip(totals[name], a, b, strict=True)]
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    for name, spent in timings.items():
        print(
            f"{name}: {sum(spent) / len(spent) * 1000:.2f} ms CPU per request "
            "(client and server in one process)"
        )
        _report(f"  {name}", calls, (0, 0, 0.0, 0.0), tuple(totals[name]))
    print(f"{2 * calls} requests: {cpu:.2f} s CPU over {wall:.2f} s wall")


async def together(clerks: list[CentralClient], counts: Counts, calls: int) -> None:
    async def desk(no: int, clerk: CentralClient) -> None:
        for _ in range(calls // len(clerks)):
            ticket = await clerk.call_next(no)
            assert ticket is not None
            await clerk.no_show(ticket.id)

    c0 = counts.now()
    await asyncio.gather(*(desk(no, c) for no, c in enumerate(clerks, 1)))
    done = calls // len(clerks) * len(clerks)
    _report(f"{len(clerks)} windows at once, per request (call-next or no-show)", 2 * done, c0,
            counts.now())  # fmt: skip


async def measure(app: Any, calls: int, windows: int, profile: str | None) -> None:
    counts = Counts(app)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app):
        kiosk = CentralClient("http://central", transport=transport)
        await kiosk.login("kiosk", "load")
        for _ in range((calls + 40 * windows) // 50 + 1):
            await asyncio.gather(*(kiosk.issue_ticket("A") for _ in range(50)))
        clerks = [CentralClient("http://central", transport=transport) for _ in range(windows)]
        for no, clerk in enumerate(clerks, 1):
            await clerk.login(f"c{no:03d}", "load")
            await clerk.sign_on(no)
        for _warm in range(20):  # statement caches, the session cache
            for no, clerk in enumerate(clerks, 1):
                ticket = await clerk.call_next(no)
                assert ticket is not None
                await clerk.no_show(ticket.id)
        profiler = _profile_writer() if profile else None
        if windows == 1:
            await one_at_a_time(app, clerks[0], counts, calls)
        else:
            await together(clerks, counts, calls)
        if profiler is not None and profile:
            profiler.dump_stats(profile)
            print(f"writer profile: {profile}")
        await kiosk.aclose()
        for clerk in clerks:
            await clerk.aclose()


def _profile_writer() -> cProfile.Profile:
    """Profile what the writer thread does for each group from now on."""
    profiler = cProfile.Profile(time.thread_time)  # CPU, not the waits for the GIL
    write = group_commit.GroupWriter._write

    def profiled(self: Any, batch: Any) -> None:
        profiler.enable()
        try:
            write(self, batch)
        finally:
            profiler.disable()

    group_commit.GroupWriter._write = profiled  # type: ignore[method-assign]
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--windows", type=int, default=1, help="windows calling at once")
    parser.add_argument("--db-url", help="a PostgreSQL database (emptied first!)")
    parser.add_argument("--profile", help="write a cProfile of the writer thread here")
    parser.add_argument(
        "--default-gc", action="store_true", help="Python's default collector, not the server's"
    )
    parser.add_argument(
        "--no-hot-front", action="store_true", help="every request through the full FastAPI app"
    )
    args = parser.parse_args()
    os.environ.setdefault("COUNTER_KDF_FAST", "1")
    with tempfile.TemporaryDirectory() as tmp:
        seed = write_big_hall(Path(tmp) / "hall.toml", windows=max(10, args.windows))
        if args.db_url:
            empty_database(args.db_url)
        settings = Settings(
            db_path=str(Path(tmp) / "central.db"),
            db_url=args.db_url,
            seed=str(seed),
            kdf_fast=True,
            hot_front=not args.no_hot_front,
        )
        app = create_app(settings)
        if not args.default_gc:
            quiet_collector()  # as `counter serve` runs
        asyncio.run(measure(app, args.calls, args.windows, args.profile))


if __name__ == "__main__":
    main()
