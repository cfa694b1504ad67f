"""Two central instances on one PostgreSQL database, and 400 clerks on either backend.

1. 10,000 contended call-nexts: two real `counter serve` processes on one (throwaway,
   durable) PostgreSQL database, 100 windows alternating between them, calling back to back
   until the queue is empty. Must show 0 tickets called twice, 0 lost, and 0 windows told
   "nothing waits" while a ticket still waited.
2. 400 clerks (the published anchor's load): 400 windows calling at once, across two
   instances on PostgreSQL and on one instance on SQLite, in the same run.

    .venv/bin/python bench/two_instances.py [--calls 10000] [--clerks 400] [--clerk-tickets 2000]

Needs initdb/pg_ctl (Debian: apt install postgresql). tests/test_two_instances.py is the
CI-sized version of part 1.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from callnext import bench

from tests.pg_cluster import Cluster, find_pg_bin


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def line(name: str, got: dict[str, float]) -> str:
    return (
        f"{name:34s} calls={got['calls']:6.0f}  p50={got['p50']:7.1f}  p95={got['p95']:7.1f}  "
        f"p99={got['p99']:7.1f} ms  {got['per_s']:5.0f} call-next/s  "
        f"twice={got['duplicates']:.0f} lost={got['lost']:.0f} "
        f"told-empty-while-waiting={got['told_empty']:.0f}  {got['cpu_ms']:.2f} ms CPU/request"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000, help="tickets for part 1")
    parser.add_argument("--windows", type=int, default=100, help="windows for part 1")
    parser.add_argument("--clerks", type=int, default=400, help="windows for part 2 (0: skip)")
    parser.add_argument("--clerk-tickets", type=int, default=2000, help="tickets for part 2")
    args = parser.parse_args()
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise SystemExit("no initdb/pg_ctl here (Debian: apt install postgresql)")
    cluster = Cluster(bin_dir, durable=True).start()
    results: list[str] = []
    failed = False
    try:
        cluster.sql("CREATE DATABASE bench")
        pg = cluster.url("bench")
        print(f"load before: {load()}", flush=True)

        def run(name: str, **kw: object) -> None:
            nonlocal failed
            got = bench(argparse.Namespace(pace=0.0, **kw))
            failed |= bool(got["duplicates"] or got["lost"] or got["told_empty"])
            results.append(line(name, got))
            print(results[-1], f"\n  load: {load()}", flush=True)

        run(f"{args.calls} calls, 2 instances, PostgreSQL", windows=args.windows,
            tickets=args.calls, db_url=pg, instances=2)  # fmt: skip
        if args.clerks:
            run(f"{args.clerks} clerks, 2 instances, PostgreSQL", windows=args.clerks,
                tickets=args.clerk_tickets, db_url=pg, instances=2)  # fmt: skip
            run(f"{args.clerks} clerks, 1 instance, SQLite", windows=args.clerks,
                tickets=args.clerk_tickets, db_url=None, instances=1)  # fmt: skip
    finally:
        cluster.stop()
    print("\n".join(["", *results]))
    if failed:
        raise SystemExit("a ticket was called twice, lost, or skipped: see above")


if __name__ == "__main__":
    main()
