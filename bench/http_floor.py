"""The HTTP floor under the call-next budget: 100 requests at the same instant to a bare FastAPI
route that does nothing, served by uvicorn exactly as `counter serve` serves (httptools, uvloop,
one process, no access log), from the same light client as bench/callnext.py (raw HTTP/1.1
keep-alive, bench/raw_http.py; --client httpx: the terminals' own client).

Call-next's burst p99 cannot go below this figure on the same box whatever the central does:
it is what parsing, routing and answering 100 requests costs on one process. Run it in the same
minute as bench/callnext.py and compare.

    .venv/bin/python bench/http_floor.py [--windows 100] [--rounds 20] [--client raw|httpx]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.central_process import free_port

sys.path.insert(0, str(Path(__file__).resolve().parent))
from raw_http import RawConnection, use_uvloop

# The bare app: one POST route that reads a small JSON body and answers a small JSON object,
# behind nothing (no middleware, no dependency, no database).
SERVER = """
import sys, uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.post("/v1/windows/{no}/call-next")
async def call_next(no: int, body: dict) -> dict:
    return {"window": no, "ticket": None}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), http="auto", loop="auto",
            access_log=False, log_level="warning")
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def rounds(url: str, windows: int, count: int, pid: int, client: str) -> None:
    raws: list[RawConnection] = []
    clients: list[httpx.AsyncClient] = []
    if client == "raw":
        raws = list(
            await asyncio.gather(*(RawConnection(url, "x" * 32).open() for _ in range(windows)))
        )
    else:
        headers = {"Authorization": "Bearer " + "x" * 32}
        clients = [
            httpx.AsyncClient(base_url=url, headers=headers, timeout=30) for _ in range(windows)
        ]

    async def one(no: int) -> float:
        t0 = time.perf_counter()
        if raws:
            status, _answer = await raws[no - 1].post(f"/v1/windows/{no}/call-next", {})
        else:
            answer = await clients[no - 1].post(f"/v1/windows/{no}/call-next", json={})
            status = answer.status_code
        if status != 200:
            raise RuntimeError(f"HTTP {status}")
        return (time.perf_counter() - t0) * 1000

    # Warm every connection first, as the clerks' terminals are.
    await asyncio.gather(*(one(n) for n in range(1, windows + 1)))
    burst: list[float] = []
    cpu0, own0 = cpu_s(pid), own_cpu_s()
    for _ in range(count):
        burst += await asyncio.gather(*(one(n) for n in range(1, windows + 1)))
        await asyncio.sleep(0.2)
    cpu, own = cpu_s(pid) - cpu0, own_cpu_s() - own0
    print(
        f"bare route, {windows} requests at the same instant × {count} ({client} client): "
        f"p50={statistics.median(burst):.1f} p95={pct(burst, 95):.1f} "
        f"p99={pct(burst, 99):.1f} max={max(burst):.1f} ms"
    )
    print(f"server CPU: {cpu / len(burst) * 1000:.2f} ms per request")
    print(f"load generator CPU: {own / len(burst) * 1000:.2f} ms per request")
    for raw in raws:
        await raw.close()
    for c in clients:
        await c.aclose()


def own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw")
    args = parser.parse_args()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(f"{url}/openapi.json", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        if args.client == "raw":
            use_uvloop()
        asyncio.run(rounds(url, args.windows, args.rounds, proc.pid, args.client))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
