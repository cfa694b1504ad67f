"""Call-next's candidate read on PostgreSQL with thousands waiting: EXPLAIN ANALYZE figures.

Seeds a throwaway PostgreSQL cluster with a 20-window hall, issues N waiting tickets through the
central's storage, and prints for window 1 the execution time and the pages (shared buffers)
each read touches: the correlated form SQLite uses (which PostgreSQL plans as a loop over every
ticket), the LATERAL form PostgreSQL now uses, its wider read, the full call order (the
last resort when more than WIDER tickets are being claimed at once), and the read-and-claim
call-next runs (the first candidates read and the first free one claimed in one statement;
rolled back), as planned for its values and as planned for any (a prepared statement's
generic plan, which the server uses after its first runs).

    .venv/bin/python bench/claim_plans.py [--waiting 6000 12000] [--skip-old]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from big_hall import write_big_hall
from psycopg.sql import Literal
from sqlalchemy import Connection, create_engine, text

from central import call_claim
from central.app import create_app
from central.settings import Settings
from tests.bulk_tickets import issue_waiting
from tests.pg_cluster import MISSING, Cluster, find_pg_bin


def explained(conn: Connection, stmt: Any, generic: bool = False) -> tuple[float, int]:
    """Execution ms and shared buffers touched, for window 1 now (a claim is rolled back)."""
    compiled = stmt.compile(dialect=conn.dialect)
    now = datetime.now(UTC)
    claim = {"c_status": "called", "c_window_no": 1, "c_staff_no": "c001", "c_called_at": now}
    params = {**compiled.params, "b_window": 1, "b_now": now, "c_recall_count": 0, **claim}
    sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled)
    if generic:  # as a prepared statement runs after its first five: planned for any values
        names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", compiled.string)))
        numbered = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m[1]) + 1}", compiled.string)
        conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        conn.exec_driver_sql(f"PREPARE measured AS {numbered}")
        driver = conn.connection.driver_connection
        args = ", ".join(Literal(params[name]).as_string(driver) for name in names)
        sql = f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE measured({args})"
        plan = conn.exec_driver_sql(sql).scalar_one()
        conn.rollback()
        conn.exec_driver_sql("DEALLOCATE measured")
        conn.commit()
    else:
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
        ("read-and-claim, first 8", call_claim._pg_read_and_claim_stmt(call_claim.CANDIDATES)),
        (
            f"read-and-claim, first {call_claim.WIDER}",
            call_claim._pg_read_and_claim_stmt(call_claim.WIDER),
        ),
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
                        for generic in (False, True):
                            ms, pages = explained(conn, stmt, generic)
                            conn.rollback()
                            how = f"{name}{' (generic plan)' if generic else ''}"
                            print(f"{waiting:6d} waiting  {how:50s} {ms:8.2f} ms {pages:6d} pages")
            engine.dispose()
    finally:
        cluster.stop()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"load after: {load}")


if __name__ == "__main__":
    main()
