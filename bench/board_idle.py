"""Bytes the hall board writes to a pseudo-terminal: idle, and during a burst of hall activity.

Starts a real central (`counter serve`, demo hall), caches supervisor 2001's token, opens
`counter --url` on a 100×30 pty (straight to the hall board, live events connected), lets it
settle, then measures: (1) `--seconds` of a quiet hall — bytes and CPU; (2) a burst: the kiosk
issues `--burst` tickets as fast as it can while four clerks call and finish — bytes written
and repaints (writes after ≥ 50 ms of silence) over the burst.
Budget (DESIGN.md §5): ≤ 2 KB per minute idle; a burst is coalesced, never redrawn per event.

    .venv/bin/python bench/board_idle.py [--seconds 60] [--burst 60]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from pty_run import PtyProgram, cpu_seconds  # noqa: E402
from startup import bench_env  # noqa: E402

from client.api import CentralClient  # noqa: E402
from tests.central_process import free_port, start_serve, stop  # noqa: E402

MARKER = "Hall board"


async def cache_supervisor(url: str, env: dict[str, str]) -> None:
    import os

    os.environ.update(env)
    from counter.core.credentials import CachedToken, TokenStore

    client = CentralClient(url)
    answer = await client.login("2001", "counter")
    await client.aclose()
    TokenStore().save(url, CachedToken(answer.staff.staff_no, answer.token, answer.expires_at))


async def burst(url: str, tickets: int) -> float:
    """The kiosk issues `tickets` back to back while windows 1–4 call and finish; seconds."""
    kiosk = CentralClient(url)
    await kiosk.login("kiosk01", "counter")
    clerks = []
    for window, staff_no in ((1, "1001"), (2, "1002"), (3, "1003"), (4, "1004")):
        clerk = CentralClient(url)
        await clerk.login(staff_no, "counter")
        await clerk.sign_on(window)
        clerks.append((window, clerk))
    started = time.perf_counter()
    for n in range(tickets):
        await kiosk.issue_ticket("A")
        window, clerk = clerks[n % len(clerks)]
        called = await clerk.call_next(window)
        if called is not None:
            await clerk.start(called.id)
            await clerk.finish(called.id)
    seconds = time.perf_counter() - started
    for _, clerk in clerks:
        await clerk.aclose()
    await kiosk.aclose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description="hall board idle and burst bytes")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--burst", type=int, default=60)
    args = parser.parse_args()
    # This checkout's terminal (python -m from the repository root), not an installed one.
    counter = [sys.executable, "-m", "counter"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_port(18600, 18699)
        url = f"http://127.0.0.1:{port}"
        env = bench_env(work, url)
        central = start_serve(
            port, "--db", str(work / "central.db"), "--seed", "demo",
            env={"COUNTER_KDF_FAST": "1"},
        )  # fmt: skip
        try:
            asyncio.run(cache_supervisor(url, env))
            program = PtyProgram([*counter, "--url", url], env=env)
            try:
                program.wait_for(MARKER)
                program.read_for(args.settle)
                cpu_before = cpu_seconds(program.proc.pid)
                idle = program.read_for(args.seconds)
                cpu = cpu_seconds(program.proc.pid) - cpu_before
                took: list[float] = []
                worker = threading.Thread(
                    target=lambda: took.append(asyncio.run(burst(url, args.burst)))
                )
                worker.start()
                during, repaints, quiet = b"", 0, True
                settle_until = None
                while (
                    worker.is_alive() or settle_until is None or time.perf_counter() < settle_until
                ):
                    if settle_until is None and not worker.is_alive():
                        settle_until = time.perf_counter() + 2.0  # the last coalesced repaint
                    chunk = program.read_for(0.05)
                    if chunk and quiet:
                        repaints += 1  # output after ≥ 50 ms of silence: one repaint
                    quiet = not chunk
                    during += chunk
                worker.join()
            finally:
                program.close()
        finally:
            stop(central)
    minutes = args.seconds / 60
    print(f"hall board idle for {args.seconds:.0f} s (live events connected), 100×30 pty")
    print(f"  written: {len(idle)} bytes = {len(idle) / minutes:.0f} B/min (budget ≤ 2048)")
    print(f"  CPU: {100 * cpu / args.seconds:.2f} % of one core")
    events = args.burst * 5  # issue, call, start, finish: queue/window/ticket events
    span = took[0] + 2
    print(f"burst: {args.burst} tickets issued, called, served in {took[0]:.1f} s "
          f"(~{events} hall events)")  # fmt: skip
    print(f"  written: {len(during)} bytes in {span:.1f} s; {repaints} repaints "
          f"= {repaints / span:.1f} per second")  # fmt: skip


if __name__ == "__main__":
    main()
