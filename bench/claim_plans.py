"""Call-next's candidate read on PostgreSQL with thousands waiting: EXPLAIN ANALYZE figures.

Seeds a throwaway PostgreSQL cluster with a 20-window hall, issues N waiting tickets through the
central's storage, and prints for window 1 the execution time and the pages (shared buffers)
each read touches: the correlated form SQLite uses (which PostgreSQL plans as a loop over every
ticket), the LATERAL form PostgreSQL now uses, its wider read, and the full call order (the
last resort when more than WIDER tickets are being claimed at once).

    .venv/bin/python bench/claim_plans.py [--waiting 6000 12000] [--skip-old]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from big_hall import write_big_hall
from sqlalchemy import Connection, create_engine, text

from central import call_claim
from central.app import create_app
from central.settings import Settings
from tests.bulk_tickets import issue_waiting
from tests.pg_cluster import MISSING, Cluster, find_pg_bin


def explained(conn: Connection, stmt: Any) -> tuple[float, int]:
    """Execution ms and shared buffers touched, for window 1 now."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = {**compiled.params, "b_window": 1, "b_now": datetime.now(UTC)}
    sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled)
    plan = conn.exec_driver_sql(sql, params).scalar_one()
    top = (plan if isinstance(plan, list) else json.loads(plan))[0]
    pages = int(top["Plan"]["Shared Hit Blocks"]) + int(top["Plan"]["Shared Read Blocks"])
    return float(top["Execution Time"]), pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, nargs="+", default=[6000, 12000])
    parser.add_argument("--skip-old", action="store_true", help="leave out the slow old form")
    args = parser.parse_args()
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise SystemExit(MISSING)
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load before: {load}")
    reads = [
        ("LATERAL, first 8 (now)", call_claim._PG_CANDIDATES),
        (f"LATERAL, first {call_claim.WIDER} (now)", call_claim._PG_WIDER),
        ("full call order (last resort)", call_claim._candidates_stmt()),
    ]
    if not args.skip_old:
        reads.append(("correlated IN, first 8 (before)", call_claim._CANDIDATES))
    cluster = Cluster(bin_dir, durable=True).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            hall = write_big_hall(Path(tmp) / "hall.toml", windows=20)
            done = 0
            cluster.sql("CREATE DATABASE bench")
            url = cluster.url("bench")
            app = create_app(Settings(db_url=url, seed=str(hall), kdf_fast=True))
            app.state.store.dispose()
            engine = create_engine(url)
            for waiting in sorted(args.waiting):
                issue_waiting(url, waiting - done)
                done = waiting
                with engine.connect() as conn:
                    conn.execute(text("ANALYZE tickets"))
                    conn.commit()
                    for name, stmt in reads:
                        ms, pages = explained(conn, stmt)
                        conn.rollback()
                        print(f"{waiting:6d} waiting  {name:34s} {ms:10.2f} ms {pages:9d} pages")
            engine.dispose()
    finally:
        cluster.stop()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load after: {load}")


if __name__ == "__main__":
    main()
