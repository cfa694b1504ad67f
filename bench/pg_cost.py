"""Where a PostgreSQL call-next burst's time goes: `bench/callnext.py --postgresql` with
PostgreSQL's own side measured over the windows' calling phase (not the issuing or the logins).

Prints callnext's figures, then per request (a call-next or its no-show): the statements
PostgreSQL ran and the time it spent executing them (pg_stat_statements), and the CPU of all
the cluster's processes (backends, WAL writer, checkpointer …) beside the server's own CPU.
The statements that cost most follow. The cluster is throwaway and durable (fsync on), as in
callnext; it loads pg_stat_statements, which adds a little to each statement. The cluster's
CPU includes the bench's own look when a window is told "nothing waits" (one connection each).

    .venv/bin/python bench/pg_cost.py [--tickets 1500] [--workers 1] [--top 12]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import callnext

from tests.pg_cluster import PORT, Cluster, find_pg_bin


def cluster_cpu_s(cluster: Cluster) -> float:
    """CPU seconds (user + system) of the postmaster and every process it started."""
    master = int((cluster.data / "postmaster.pid").read_text().split()[0])
    kids = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in [master, *map(int, kids)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a backend that ended meanwhile
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--top", type=int, default=12, help="statements listed")
    args = parser.parse_args()
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise SystemExit("no initdb/pg_ctl here (Debian: apt install postgresql)")
    cluster = Cluster(bin_dir, durable=True).start()
    try:
        run(cluster, args)
    finally:
        cluster.stop()


def run(cluster: Cluster, args: argparse.Namespace) -> None:
    import psycopg

    cluster.sql("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
    log = str(cluster.root / "server.log")
    cluster._pg("pg_ctl", "-D", str(cluster.data), "-l", log, "-w", "restart")
    cluster.sql("CREATE DATABASE bench")

    def query(sql: str) -> list[Any]:
        with psycopg.connect(
            dbname="bench", user=cluster.user, host=str(cluster.root), port=PORT, autocommit=True
        ) as conn:
            cursor = conn.execute(sql)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    emptied = callnext.empty_database

    def empty_keeping_the_extension(url: str) -> None:
        emptied(url)
        query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")

    callnext.empty_database = empty_keeping_the_extension
    # callnext reads its servers' CPU as the calling starts and as it ends: the same moments
    # bound PostgreSQL's figures.
    marks: list[Any] = []
    server_cpu = callnext.cpu_s

    def cpu_s(pids: list[int]) -> float:
        if not marks:
            query("SELECT pg_stat_statements_reset()")
        marks.append(cluster_cpu_s(cluster))
        if len(marks) == 2:
            marks.append(
                query(
                    "SELECT calls, total_exec_time, left(regexp_replace(query, '\\s+', ' ', 'g'),"
                    " 90) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'"
                    " ORDER BY total_exec_time DESC"
                )
            )
        return server_cpu(pids)

    callnext.cpu_s = cpu_s
    got = callnext.bench(
        argparse.Namespace(
            windows=100,
            tickets=args.tickets,
            pace=0.0,
            db_url=cluster.url("bench"),
            instances=1,
            workers=args.workers,
            client="raw",
        )
    )
    requests = got["calls"] + args.tickets - 100  # the call-nexts and the no-shows after them
    rows = marks[2]
    statements = sum(r[0] for r in rows)
    executing = sum(r[1] for r in rows)
    print(
        f"PostgreSQL, per request: {statements / requests:.2f} statements, "
        f"{executing / requests:.3f} ms executing them; "
        f"{(marks[1] - marks[0]) / requests * 1000:.2f} ms CPU of the cluster's processes "
        f"(the server's own: {got['cpu_ms']:.2f} ms)"
    )
    print("calls  ms in all  statement")
    for calls, total, text in rows[: args.top]:
        print(f"{calls:5d}  {total:9.1f}  {text}")


if __name__ == "__main__":
    main()
