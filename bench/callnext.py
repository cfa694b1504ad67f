"""Call-next under load: 100 windows calling at once against `counter serve` (uvicorn).

Starts a real central on 127.0.0.1 (SQLite; or PostgreSQL with --db-url, where --instances 2
starts two servers on the one database and the windows alternate between them), issues a pool
of tickets (in bulk, through the central's storage), then every window loops call-next →
no-show until nothing waits. Prints call-next latency percentiles, throughput, and the
duplicate / lost tickets and the windows told "nothing waits" while a ticket still waited (all
three must be 0).

    .venv/bin/python bench/callnext.py [--windows 100] [--tickets 2000] [--pace SECONDS]
        [--db-url postgresql+psycopg://…  [--instances 2]]

Back to back (the default) every window calls again the moment it has an answer: a stress
test far beyond a hall's real rate. --pace 1 lets each window "serve" about a second first:
still ~100 calls a second, more than a 55-window hall makes in a busy minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from big_hall import write_big_hall

from client.api import CentralClient
from tests.bulk_tickets import issue_waiting
from tests.central_process import free_port, start_serve, stop


def start_central(port: int, *args: str) -> subprocess.Popen[bytes]:
    return start_serve(port, *args, env={"COUNTER_KDF_FAST": "1"})


def waiting_now(db_url: str) -> int:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        found = conn.execute(text("select count(*) from tickets where status = 'waiting'"))
        count = int(found.scalar_one())
    engine.dispose()
    return count


def cpu_s(pids: list[int]) -> float:
    """CPU seconds (user + system) the servers have used so far: per request, a figure the
    shared box's load does not move much, unlike latency."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / tick


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(
    urls: list[str], windows: int, tickets: int, pace: float, db_url: str, pids: list[int]
) -> dict[str, float]:
    # Issued through the product's storage in bulk: ~10,000 in 25 s instead of minutes of
    # kiosk requests (issuing is not what this measures).
    issued = await asyncio.to_thread(issue_waiting, db_url, tickets)
    clerks = [CentralClient(urls[n % len(urls)], timeout=30) for n in range(windows)]
    await asyncio.gather(*(c.login(f"c{n:03d}", "load") for n, c in enumerate(clerks, 1)))
    await asyncio.gather(*(c.sign_on(n) for n, c in enumerate(clerks, 1)))

    rng = random.Random(7)
    latencies: list[float] = []
    called: list[int] = []
    burst: list[float] = []
    told_empty_while_waiting = 0

    async def window(no: int, clerk: CentralClient) -> None:
        first = True
        while True:
            t0 = time.perf_counter()
            ticket = await clerk.call_next(no)
            elapsed = time.perf_counter() - t0
            latencies.append(elapsed)
            if first:
                burst.append(elapsed)
                first = False
            if ticket is None:
                nonlocal told_empty_while_waiting
                told_empty_while_waiting += await asyncio.to_thread(waiting_now, db_url) > 0
                return
            called.append(ticket.id)
            await clerk.no_show(ticket.id)
            if pace:
                # A window serves its citizen before calling again: `pace` seconds on average.
                await asyncio.sleep(rng.uniform(0.5 * pace, 1.5 * pace))

    print(f"{len(issued)} tickets waiting; {windows} windows calling …", flush=True)
    t0, cpu0 = time.perf_counter(), cpu_s(pids)
    await asyncio.gather(*(window(n, c) for n, c in enumerate(clerks, 1)))
    wall, cpu = time.perf_counter() - t0, cpu_s(pids) - cpu0
    duplicates = sum(1 for n in Counter(called).values() if n > 1)
    lost = len(set(issued) - set(called))
    ms = [x * 1000 for x in latencies]
    first_ms = [x * 1000 for x in burst]
    mode = f"each window pausing ~{pace:g} s between calls" if pace else "back to back"
    where = f"{len(urls)} instance(s) on {db_url.split(':')[0]}"
    print(f"windows={windows} tickets={tickets} call-next requests={len(ms)} ({mode}; {where})")
    print(
        f"call-next latency ms: p50={statistics.median(ms):.1f} p95={pct(ms, 95):.1f} "
        f"p99={pct(ms, 99):.1f} max={max(ms):.1f}"
    )
    print(
        f"first call of all {windows} windows at the same instant: "
        f"p50={statistics.median(first_ms):.1f} p99={pct(first_ms, 99):.1f} ms"
    )
    print(
        f"throughput: {len(ms) / wall:.0f} call-next/s "
        f"({(len(ms) + len(called)) / wall:.0f} requests/s incl. no-show) over {wall:.1f} s"
    )
    print(
        f"duplicate tickets: {duplicates}   lost tickets: {lost}   "
        f"told 'nothing waits' while one waited: {told_empty_while_waiting}"
    )
    requests = len(ms) + len(called)
    print(f"server CPU: {cpu / requests * 1000:.2f} ms per request ({cpu:.1f} s in all)")
    for client in clerks:
        await client.aclose()
    return {
        "calls": len(ms),
        "p50": statistics.median(ms),
        "p95": pct(ms, 95),
        "p99": pct(ms, 99),
        "burst_p99": pct(first_ms, 99),
        "per_s": len(ms) / wall,
        "duplicates": duplicates,
        "lost": lost,
        "told_empty": told_empty_while_waiting,
        "cpu_ms": cpu / requests * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=100)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument(
        "--pace", type=float, default=0.0, help="seconds a window serves before calling again"
    )
    parser.add_argument("--db-url", help="a PostgreSQL database (emptied first!); default SQLite")
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="start a throwaway PostgreSQL cluster (durable settings) and use it as --db-url",
    )
    parser.add_argument("--instances", type=int, default=1, help="servers on the one database")
    args = parser.parse_args()
    cluster = None
    if args.postgresql:
        from tests.pg_cluster import Cluster, find_pg_bin

        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise SystemExit("--postgresql: no initdb/pg_ctl here (Debian: apt install postgresql)")
        cluster = Cluster(bin_dir, durable=True).start()
        cluster.sql("CREATE DATABASE bench")
        args.db_url = cluster.url("bench")
    try:
        bench(args)
    finally:
        if cluster is not None:
            cluster.stop()


def bench(args: argparse.Namespace) -> dict[str, float]:
    """One run as the arguments say (windows, tickets, pace, db_url, instances): its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        seed = write_big_hall(workdir / "hall.toml", windows=args.windows)
        db_url = args.db_url or f"sqlite:///{workdir / 'central.db'}"
        if args.db_url:
            empty_database(args.db_url)
        where = ["--db-url", args.db_url] if args.db_url else ["--db", str(workdir / "central.db")]
        procs: list[subprocess.Popen[bytes]] = []
        urls: list[str] = []
        try:
            for n in range(args.instances):
                seeded = ["--seed", str(seed)] if n == 0 else []
                port = free_port()
                procs.append(start_central(port, *where, *seeded))
                urls.append(f"http://127.0.0.1:{port}")
            pids = [proc.pid for proc in procs]
            return asyncio.run(run(urls, args.windows, args.tickets, args.pace, db_url, pids))
        finally:
            for proc in procs:
                stop(proc)


def empty_database(db_url: str) -> None:
    """Drop every table of the bench database: each run starts from an empty hall."""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()
