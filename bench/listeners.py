"""A thousand listeners: SSE streams connected while 100 windows work a paced queue.

Starts a real `counter serve` (SQLite; PostgreSQL with --postgresql or --db-url), connects
--listeners event streams (lightweight raw-socket clients, so the bench's own CPU stays small),
then 100 windows call-next → no-show for --seconds, each pausing ~--pace s between calls (their
keys through the light client of bench/raw_http.py, as bench/callnext.py).
Prints call-next p50/p95/p99, whether every listener received every event of the hall in id
order, the server's RSS, and each side's CPU while the windows worked (server, listeners, the
windows' client). Runs the same work with 0 listeners first, as the reference. The listeners'
processes run niced (--nice, default 10): in a hall they are a thousand other machines.

    .venv/bin/python bench/listeners.py [--listeners 1000] [--windows 100] [--seconds 20]
        [--pace 1] [--nice 10] [--postgresql | --db-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from big_hall import write_big_hall
from callnext import Window, empty_database, pct
from raw_http import RawConnection, use_uvloop

from client.api import CentralClient
from tests.central_process import free_port, start_serve, stop


class Listener:
    """One SSE stream over a raw socket: records the event ids it receives, in order."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.connected = asyncio.Event()

    async def run(self, port: int, token: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET /v1/events HTTP/1.1\r\nHost: central\r\nAuthorization: Bearer {token}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        tail = b""
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    return
                cut = data.rfind(b"\n") + 1  # whole lines only; the rest waits for more
                lines, tail = tail + data[:cut], data[cut:] if cut else tail + data
                if cut == 0:
                    continue
                if b"retry:" in lines:
                    self.connected.set()
                self.ids += [int(x) for x in ID_LINE.findall(lines)]
        finally:
            writer.close()


ID_LINE = re.compile(rb"^id: (\d+)", re.MULTILINE)


async def child(port: int, token: str, count: int, out: str) -> None:
    """A listener process: connect `count` streams, say "ready", dump ids on "stop"."""
    streams = [Listener() for _ in range(count)]
    tasks = [asyncio.create_task(s.run(port, token)) for s in streams]
    for start in range(0, count, 100):  # connect in waves, as terminals would
        await asyncio.wait_for(
            asyncio.gather(*(s.connected.wait() for s in streams[start : start + 100])), 120
        )
    print("ready", flush=True)
    cpu = time.process_time()
    last = int((await asyncio.to_thread(sys.stdin.readline)).split()[1])
    deadline = time.monotonic() + 60  # the last events may still be on their way
    while time.monotonic() < deadline and any(not s.ids or s.ids[-1] < last for s in streams):
        await asyncio.sleep(0.2)
    cpu = time.process_time() - cpu
    Path(out).write_text(json.dumps({"ids": [s.ids for s in streams], "cpu": cpu}))
    for task in tasks:
        task.cancel()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def all_event_ids(url: str, token: str, after: int) -> list[int]:
    ids: list[int] = []
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
        while True:
            page = (await http.get(f"{url}/v1/events/poll", params={"after": after})).json()
            ids += [e["id"] for e in page["events"]]
            if not page["events"]:
                return ids
            after = page["last_id"]


def cpu_s(pid: int) -> float:
    """A process's CPU time so far (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def work(
    port: int,
    server_pid: int,
    listeners: int,
    windows: int,
    seconds: float,
    pace: float,
    nice: int,
) -> dict[str, float]:
    url = f"http://127.0.0.1:{port}"
    kiosk = CentralClient(url, timeout=60)
    token = (await kiosk.login("kiosk", "load")).token
    per_window = int(seconds / pace) + 2 if pace else 50
    for _batch in range(0, windows * per_window, 100):
        await asyncio.gather(*(kiosk.issue_ticket("A") for _ in range(100)))
    cursor = (await httpx.AsyncClient().get(
        f"{url}/v1/events/poll", headers={"Authorization": f"Bearer {token}"}
    )).json()["last_id"]  # fmt: skip
    # The streams live in their own processes: their reading must not slow the clerks' loop.
    children: list[tuple[subprocess.Popen[str], str]] = []
    for n in range(PROCESSES if listeners else 0):
        out = f"{tempfile.gettempdir()}/listeners-{os.getpid()}-{n}.json"
        argv = [
            sys.executable,
            __file__,
            "--child",
            str(port),
            token,
            str(listeners // PROCESSES),
            out,
            str(nice),
        ]
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        children.append((proc, out))
    for proc, _out in children:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    clerks = [CentralClient(url, timeout=60) for _ in range(windows)]
    await asyncio.gather(*(c.login(f"c{n:03d}", "load") for n, c in enumerate(clerks, 1)))
    await asyncio.gather(*(c.sign_on(n) for n, c in enumerate(clerks, 1)))
    # The windows' keys through the light client (bench/raw_http.py), as bench/callnext.py.
    raws = await asyncio.gather(*(RawConnection(url, c.token or "").open() for c in clerks))
    desks = [Window(c, r) for c, r in zip(clerks, raws, strict=True)]
    latencies: list[float] = []
    rng = random.Random(11)
    stop_at = time.monotonic() + seconds
    started, cpu_server, cpu_clerks = time.monotonic(), cpu_s(server_pid), time.process_time()

    async def window(no: int, desk: Window) -> None:
        await asyncio.sleep(rng.uniform(0, pace))  # windows do not start in lockstep
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            ticket_id = await desk.call_next(no)
            latencies.append(time.perf_counter() - t0)
            if ticket_id is None:
                return
            await desk.no_show(ticket_id)
            await asyncio.sleep(rng.uniform(0.5 * pace, 1.5 * pace))

    await asyncio.gather(*(window(n, d) for n, d in enumerate(desks, 1)))
    worked = time.monotonic() - started
    cpu_server = cpu_s(server_pid) - cpu_server
    cpu_clerks = time.process_time() - cpu_clerks
    for raw in raws:
        await raw.close()
    expected = await all_event_ids(url, token, cursor)
    received: list[list[int]] = []
    cpu_listeners = 0.0
    last = expected[-1] if expected else 0
    for proc, out in children:
        assert proc.stdin is not None
        proc.stdin.write(f"stop {last}\n")
        proc.stdin.flush()
        proc.wait(120)
        got = json.loads(Path(out).read_text())
        # What came after the last event the windows caused (a periodic job's, written while
        # the other process was being told to stop) is outside the measured work.
        received += [[i for i in ids if i <= last] for ids in got["ids"]]
        cpu_listeners += got["cpu"]
        Path(out).unlink()
    complete = sum(1 for ids in received if ids == expected)
    if received and complete < len(received):
        worst = min(received, key=lambda ids: ids == expected)
        print(f"  e.g. a listener got {len(worst)} of {len(expected)} events: {worst[:5]}…")
    for client in [kiosk, *clerks]:
        await client.aclose()
    ms = [x * 1000 for x in latencies]
    return {
        "calls": len(ms),
        "p50": statistics.median(ms),
        "p95": pct(ms, 95),
        "p99": pct(ms, 99),
        "events": len(expected),
        "complete": complete,
        # Each process's CPU while the windows worked, as a share of one core.
        "server_cpu": cpu_server / worked,
        "clerks_cpu": cpu_clerks / worked,
        "listeners_cpu": cpu_listeners / worked,
        "cpu_per_call": 1000 * cpu_server / max(1, len(ms)),
    }


def one_run(args: argparse.Namespace, listeners: int, workdir: Path) -> None:
    seed = write_big_hall(workdir / f"hall-{listeners}.toml", windows=args.windows)
    if args.db_url:
        empty_database(args.db_url)
        where = ["--db-url", args.db_url]
    else:
        where = ["--db", str(workdir / f"central-{listeners}.db")]
    port = free_port()
    proc: subprocess.Popen[bytes] = start_serve(port, *where, "--seed", str(seed),
                                               env={"COUNTER_KDF_FAST": "1"})  # fmt: skip
    try:
        rss: list[float] = []

        async def main() -> dict[str, float]:
            async def sample() -> None:
                while True:
                    rss.append(rss_mb(proc.pid))
                    await asyncio.sleep(1)

            sampler = asyncio.create_task(sample())
            try:
                return await work(
                    port, proc.pid, listeners, args.windows, args.seconds, args.pace, args.nice
                )
            finally:
                sampler.cancel()

        use_uvloop()
        got = asyncio.run(main())
    finally:
        stop(proc)
    print(
        f"listeners={listeners:5d}  call-next n={got['calls']:.0f} p50={got['p50']:.1f} "
        f"p95={got['p95']:.1f} p99={got['p99']:.1f} ms  events={got['events']:.0f}  "
        f"listeners with every event in order: {got['complete']:.0f}/{listeners}  "
        f"server RSS max {max(rss):.0f} MB\n"
        f"    CPU while the windows worked (share of one core): server {got['server_cpu']:.2f}, "
        f"listeners {got['listeners_cpu']:.2f}, windows' client {got['clerks_cpu']:.2f}; "
        f"server CPU per call-next (with its share of the streams) {got['cpu_per_call']:.2f} ms"
    )


PROCESSES = 2


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        port, token, count, out, nice = sys.argv[2:7]
        # The thousand terminals would run on a thousand machines; here they share the
        # server's two cores. Niced, they take what the server leaves rather than preempt it
        # at every write it makes to them (they read late; the kernel keeps their bytes).
        os.nice(int(nice))
        use_uvloop()
        asyncio.run(child(int(port), token, int(count), out))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=1000)
    parser.add_argument("--windows", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between a window's calls")
    parser.add_argument(
        "--nice", type=int, default=10, help="the listener processes' niceness (0: none)"
    )
    parser.add_argument("--db-url", help="a PostgreSQL database (emptied first!)")
    parser.add_argument("--postgresql", action="store_true", help="a throwaway cluster")
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
    where = "PostgreSQL" if args.db_url else "SQLite"
    print(
        f"{args.windows} windows, ~{args.pace:g} s between calls, {args.seconds:g} s, {where}; "
        f"listeners in {PROCESSES} processes, nice {args.nice}"
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for listeners in sorted({0, args.listeners}):
                one_run(args, listeners, Path(tmp))
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
