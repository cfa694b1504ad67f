"""The "before" column of bench/year.py's figures: the reads as the code before issue 12 made
them (tallies recounting every finished ticket, lists with their old default pages, the audit
trail filtered by time without an id bound), timed in-process on the same database.

    .venv/bin/python bench/year_before.py --db /tmp/year.db

The old tally module is read from git (commit e844926, before the roll-ups) and run on the
connection; the list queries are the old ones, written out. No HTTP: the figures are the
database work and the model building, which is what made the old reads slow.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BEFORE = "e844926"


def old_tally() -> Any:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BEFORE}:central/tally.py"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    module = types.ModuleType("old_tally")
    sys.modules["old_tally"] = module  # dataclasses look their module up
    exec(compile(source, "old_tally.py", "exec"), module.__dict__)
    return module


def timed(label: str, run: Any, repeat: int) -> None:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"{label:40} {times[len(times) // 2]:8.1f} {times[-1]:8.1f}", flush=True)


def main() -> int:
    from sqlalchemy import select

    from central import escalation_ledger as ledger
    from central import rating_lists as rating
    from central.calendar import WorkCalendar
    from central.context import Actor
    from central.db import make_engine
    from central.hall_time import service_day
    from central.schema import audit
    from central.settings import Settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = make_engine(Settings(db_path=args.db))
    tally = old_tally()
    now = datetime.now(timezone.utc)
    today = service_day(now)
    month = today - timedelta(days=29)
    year = (today.replace(year=today.year - 1, day=1) + timedelta(days=31)).replace(day=1)
    boss = Actor("2001", "郑国华", "supervisor")
    calendar = WorkCalendar.default()
    print(f"{'read (before, in-process)':40} {'median':>8} {'max':>8}")
    with engine.connect() as conn:
        scopes = {
            "clerk": tally.Scope(staff_no="1001"),
            "window": tally.Scope(window_no=1),
            "department": tally.Scope(department="zwfw"),
            "hall": tally.Scope(),
        }
        for name, scope in scopes.items():
            for label, first, by in (("today", today, "day"), ("30 days", month, "day"),
                                     ("year by month", year, "month")):  # fmt: skip
                timed(f"tally {name} {label}",
                      lambda s=scope, f=first, b=by: tally.tally(conn, s, f, today, b, today),
                      args.repeat)  # fmt: skip
        table = tally.table
        for group in ("staff", "window", "department"):
            timed(f"table {group} year",
                  lambda g=group: table(conn, g, year, today, today), args.repeat)  # fmt: skip
        timed("ratings (hall), 200",
              lambda: rating.list_ratings(conn, now, staff_no=None, limit=200),
              args.repeat)  # fmt: skip
        timed("差评 list, 200",
              lambda: rating.list_ratings(conn, now, staff_no=None, bad=True, limit=200),
              args.repeat)  # fmt: skip
        timed("ledger, 1000",
              lambda: ledger.search(conn, boss, calendar, today, ledger.LedgerFilter(mine=False),
                                    limit=1000),
              args.repeat)  # fmt: skip
        timed("ledger overdue=true, 1000",
              lambda: ledger.search(conn, boss, calendar, today,
                                    ledger.LedgerFilter(mine=False, overdue=True),
                                    limit=1000), args.repeat)  # fmt: skip
        start = datetime.combine(today, datetime.min.time(), timezone.utc) - timedelta(hours=8)
        old_audit = select(audit).where(audit.c.at >= start).order_by(audit.c.id).limit(500)
        timed("audit today, 500", lambda: conn.execute(old_audit).all(), args.repeat)
        timed("audit first page, 500",
              lambda: conn.execute(select(audit).order_by(audit.c.id).limit(500)).all(),
              args.repeat)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
