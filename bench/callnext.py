"""Call-next under load: 100 windows calling at once against `counter serve` (uvicorn, SQLite).

Starts a real central on 127.0.0.1, issues a pool of tickets, then every window loops
call-next → no-show until nothing waits. Prints call-next latency percentiles, throughput,
and the duplicate / lost ticket counts (both must be 0).

    .venv/bin/python bench/callnext.py [--windows 100] [--tickets 2000] [--pace SECONDS]

Back to back (the default) every window calls again the moment it has an answer: a stress
test far beyond a hall's real rate. --pace 1 lets each window "serve" about a second first:
still ~100 calls a second, more than a 55-window hall makes in a busy minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from big_hall import write_big_hall

from client.api import CentralClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_central(workdir: Path, seed: Path, port: int) -> subprocess.Popen[bytes]:
    counter = Path(sys.executable).with_name("counter")
    argv = [str(counter), "serve", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--db", str(workdir / "central.db"), "--seed", str(seed)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "server died")
    proc.terminate()
    raise RuntimeError("the central API did not start within 60 s")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(url: str, windows: int, tickets: int, pace: float) -> None:
    kiosk = CentralClient(url, timeout=30)
    await kiosk.login("kiosk", "load")
    issued: list[int] = []
    for start in range(0, tickets, 50):
        numbers = range(start, min(tickets, start + 50))
        batch = await asyncio.gather(*(kiosk.issue_ticket("A" if n % 3 else "B") for n in numbers))
        issued += [t.id for t in batch]
    clerks = [CentralClient(url, timeout=30) for _ in range(windows)]
    await asyncio.gather(*(c.login(f"c{n:03d}", "load") for n, c in enumerate(clerks, 1)))
    await asyncio.gather(*(c.sign_on(n) for n, c in enumerate(clerks, 1)))

    rng = random.Random(7)
    latencies: list[float] = []
    called: list[int] = []
    burst: list[float] = []

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
                return
            called.append(ticket.id)
            await clerk.no_show(ticket.id)
            if pace:
                # A window serves its citizen before calling again: `pace` seconds on average.
                await asyncio.sleep(rng.uniform(0.5 * pace, 1.5 * pace))

    t0 = time.perf_counter()
    await asyncio.gather(*(window(n, c) for n, c in enumerate(clerks, 1)))
    wall = time.perf_counter() - t0
    duplicates = sum(1 for n in Counter(called).values() if n > 1)
    lost = len(set(issued) - set(called))
    ms = [x * 1000 for x in latencies]
    first_ms = [x * 1000 for x in burst]
    mode = f"each window pausing ~{pace:g} s between calls" if pace else "back to back"
    print(f"windows={windows} tickets={tickets} call-next requests={len(ms)} ({mode})")
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
    print(f"duplicate tickets: {duplicates}   lost tickets: {lost}")
    for client in [kiosk, *clerks]:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=100)
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument(
        "--pace", type=float, default=0.0, help="seconds a window serves before calling again"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        seed = write_big_hall(workdir / "hall.toml", windows=args.windows)
        port = free_port()
        os.environ.setdefault("COUNTER_LOG_LEVEL", "warning")
        proc = start_central(workdir, seed, port)
        try:
            asyncio.run(run(f"http://127.0.0.1:{port}", args.windows, args.tickets, args.pace))
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
