"""Call-next under load: 100 windows calling at once against `counter serve` (uvicorn).

Starts a real central on 127.0.0.1 (SQLite; or PostgreSQL with --db-url, where --instances 2
starts two servers on the one database and the windows alternate between them), issues a pool
of tickets (in bulk, through the central's storage), then every window loops call-next →
no-show until nothing waits. Prints call-next latency percentiles, throughput, and the
duplicate / lost tickets and the windows told "nothing waits" while a ticket still waited (all
three must be 0).

    .venv/bin/python bench/callnext.py [--windows 100] [--tickets 2000] [--pace SECONDS]
        [--db-url postgresql+psycopg://…  [--instances 2]] [--workers N] [--client raw|httpx]
        [--bursts N]

--bursts N first measures N bursts of every window calling at one instant (each followed by
its no-shows, then the next), for a steadier figure of a burst than the first round of the
back-to-back calls alone gives (one burst's p99 is its second-slowest call).

The windows' calls go through a light client (bench/raw_http.py: HTTP/1.1 keep-alive over
asyncio streams) so the percentiles are the server's, not the load generator's; its own CPU
per request is printed beside the server's. --client httpx measures through the terminals'
own client instead (heavier: on 2 cores it takes CPU from the server it measures).

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
from raw_http import RawConnection, use_uvloop

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


def children(pid: int) -> list[int]:
    """The worker processes of a `counter serve --workers N` supervisor."""
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


def own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Window:
    """A window's two counter keys over the chosen client: call-next (None: nothing waits)
    and no-show, each answered with the ticket's id."""

    def __init__(self, clerk: CentralClient, raw: RawConnection | None) -> None:
        self.clerk, self.raw = clerk, raw

    async def call_next(self, no: int) -> int | None:
        if self.raw is None:
            ticket = await self.clerk.call_next(no)
            return None if ticket is None else ticket.id
        status, answer = await self.raw.post(f"/v1/windows/{no}/call-next")
        if status == 204:
            return None
        if status != 200:
            raise RuntimeError(f"call-next at window {no}: HTTP {status} {answer}")
        return int(answer["id"])

    async def no_show(self, ticket_id: int) -> None:
        if self.raw is None:
            await self.clerk.no_show(ticket_id)
            return
        status, answer = await self.raw.post(f"/v1/tickets/{ticket_id}/no-show")
        if status != 200:
            raise RuntimeError(f"no-show {ticket_id}: HTTP {status} {answer}")


async def run(
    urls: list[str],
    windows: int,
    tickets: int,
    pace: float,
    db_url: str,
    pids: list[int],
    client: str = "raw",
    bursts: int = 0,
) -> dict[str, float]:
    # Issued through the product's storage in bulk: ~10,000 in 25 s instead of minutes of
    # kiosk requests (issuing is not what this measures).
    issued = await asyncio.to_thread(issue_waiting, db_url, tickets)
    clerks = [CentralClient(urls[n % len(urls)], timeout=30) for n in range(windows)]
    await asyncio.gather(*(c.login(f"c{n:03d}", "load") for n, c in enumerate(clerks, 1)))
    await asyncio.gather(*(c.sign_on(n) for n, c in enumerate(clerks, 1)))
    raws: list[RawConnection | None] = [None] * windows
    if client == "raw":
        raws = list(
            await asyncio.gather(*(RawConnection(c.base_url, c.token or "").open() for c in clerks))
        )
    desks = [Window(c, r) for c, r in zip(clerks, raws, strict=True)]

    rng = random.Random(7)
    latencies: list[float] = []
    called: list[int] = []
    burst: list[float] = []
    told_empty_while_waiting = 0

    async def window(no: int, desk: Window) -> None:
        first = True
        while True:
            t0 = time.perf_counter()
            ticket_id = await desk.call_next(no)
            elapsed = time.perf_counter() - t0
            latencies.append(elapsed)
            if first:
                burst.append(elapsed)
                first = False
            if ticket_id is None:
                nonlocal told_empty_while_waiting
                told_empty_while_waiting += await asyncio.to_thread(waiting_now, db_url) > 0
                return
            called.append(ticket_id)
            await desk.no_show(ticket_id)
            if pace:
                # A window serves its citizen before calling again: `pace` seconds on average.
                await asyncio.sleep(rng.uniform(0.5 * pace, 1.5 * pace))

    async def warm(no: int, desk: Window) -> float:
        """One call and no-show per window first, all at once: the server just started (each
        worker compiles its statements and reads each token once); the figures that follow
        are a running server's."""
        t0 = time.perf_counter()
        ticket_id = await desk.call_next(no)
        elapsed = time.perf_counter() - t0
        if ticket_id is not None:
            called.append(ticket_id)
            await desk.no_show(ticket_id)
        return elapsed

    cold = [x * 1000 for x in await asyncio.gather(*(warm(n, d) for n, d in enumerate(desks, 1)))]
    print(
        f"just after start, {windows} windows' first call at one instant: "
        f"p50={statistics.median(cold):.1f} p99={pct(cold, 99):.1f} ms",
        flush=True,
    )
    rounds: list[list[float]] = []
    for _ in range(bursts):
        rounds.append(
            [x * 1000 for x in await asyncio.gather(*(warm(n, d) for n, d in enumerate(desks, 1)))]
        )
    if rounds:
        each = " / ".join(f"{pct(r, 99):.1f}" for r in rounds)
        every = [x for r in rounds for x in r]
        print(
            f"{bursts} bursts of {windows} call-nexts at one instant (each followed by its "
            f"no-shows): p99 of each {each} ms; of all {len(every)}: "
            f"p50={statistics.median(every):.1f} p99={pct(every, 99):.1f} ms",
            flush=True,
        )
    warmed = len(called)
    print(f"{len(issued) - warmed} tickets waiting; {windows} windows calling …", flush=True)
    t0, cpu0, own0 = time.perf_counter(), cpu_s(pids), own_cpu_s()
    await asyncio.gather(*(window(n, d) for n, d in enumerate(desks, 1)))
    wall, cpu = time.perf_counter() - t0, cpu_s(pids) - cpu0
    own = own_cpu_s() - own0
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
        f"({(len(ms) + len(called) - warmed) / wall:.0f} requests/s incl. no-show) "
        f"over {wall:.1f} s"
    )
    print(
        f"duplicate tickets: {duplicates}   lost tickets: {lost}   "
        f"told 'nothing waits' while one waited: {told_empty_while_waiting}"
    )
    requests = len(ms) + len(called) - warmed
    print(f"server CPU: {cpu / requests * 1000:.2f} ms per request ({cpu:.1f} s in all)")
    print(
        f"load generator ({client} client) CPU: {own / requests * 1000:.2f} ms per request "
        f"({own:.1f} s in all)"
    )
    for raw in raws:
        if raw is not None:
            await raw.close()
    for each in clerks:
        await each.aclose()
    return {
        "calls": len(ms),
        "p50": statistics.median(ms),
        "p95": pct(ms, 95),
        "p99": pct(ms, 99),
        "burst_p99": pct(first_ms, 99),
        "cold_p99": pct(cold, 99),
        "per_s": len(ms) / wall,
        "duplicates": duplicates,
        "lost": lost,
        "told_empty": told_empty_while_waiting,
        "cpu_ms": cpu / requests * 1000,
        "client_cpu_ms": own / requests * 1000,
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
    parser.add_argument(
        "--bursts",
        type=int,
        default=0,
        help="after the warm-up, this many rounds of every window calling at one instant "
        "(then its no-show), each measured, before the back-to-back calls",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes per server (counter serve --workers)",
    )
    parser.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="the windows' client: light raw HTTP/1.1 (default) or the terminals' httpx client",
    )
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
        workers = getattr(args, "workers", 1)
        if workers > 1:
            where += ["--workers", str(workers)]
        procs: list[subprocess.Popen[bytes]] = []
        urls: list[str] = []
        try:
            for n in range(args.instances):
                seeded = ["--seed", str(seed)] if n == 0 else []
                port = free_port()
                procs.append(start_central(port, *where, *seeded))
                urls.append(f"http://127.0.0.1:{port}")
            # The servers' processes: with --workers, the supervisor's children do the work.
            pids = [pid for proc in procs for pid in [proc.pid, *children(proc.pid)]]
            client = getattr(args, "client", "raw")
            if client == "raw":
                use_uvloop()
            return asyncio.run(
                run(
                    urls,
                    args.windows,
                    args.tickets,
                    args.pace,
                    db_url,
                    pids,
                    client,
                    getattr(args, "bursts", 0),
                )
            )
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
