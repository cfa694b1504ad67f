"""The periodic job's planner statistics on SQLite are gathered whole, never sampled: sampling
(`analysis_limit`) read the first rows of each index only, and on a year it judged ~1,000
tickets per status, so the default sweep walked the status index and sorted every done ticket
per batch. A database without statistics is analyzed at once; after that only at night, when
no clerk waits on the writer."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from central import housekeeping
from central.db import write_tx
from central.schema import tickets
from tests.hall_data import demo_hall_file, open_store

DAY = date(2026, 11, 30)
MORNING = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)  # 10:00 in the hall
NIGHT = datetime(2026, 11, 30, 18, 30, tzinfo=timezone.utc)  # 02:30 in the hall


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def busy_day(n: int = 3000) -> list[dict[str, Any]]:
    """A day of mostly finished services, a few waiting, missed and cancelled: the statuses are
    far from even, which a sample of the first index rows gets wrong."""
    rows = []
    start = datetime(2026, 11, 30, 0, 30, tzinfo=timezone.utc)
    for i in range(1, n + 1):
        queue = "ABC"[i % 3]
        status = "done" if i % 50 else ("waiting", "missed", "cancelled")[i // 50 % 3]
        issued = start + timedelta(seconds=7 * i)
        done = status == "done"
        rows.append({
            "id": i, "number": f"{queue}{i:04d}", "issued_queue": queue, "queue_prefix": queue,
            "service_day": DAY, "seq": i, "kind": "walk_in", "status": status,
            "issued_at": issued, "called_at": issued + timedelta(minutes=5) if done else None,
            "started_at": issued + timedelta(minutes=6) if done else None,
            "finished_at": issued + timedelta(minutes=16) if done else None,
            "window_no": 1 if done else None, "staff_no": "1001" if done else None,
            "recall_count": 0,
        })  # fmt: skip
    return rows


def stats(engine: Engine) -> set[tuple[str, str, str]]:
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(text("SELECT tbl, idx, stat FROM sqlite_stat1"))}  # type: ignore[misc]


def analyze(engine: Engine, limit: int) -> None:
    with write_tx(engine) as conn:
        conn.exec_driver_sql(f"PRAGMA analysis_limit={limit}")
        conn.exec_driver_sql("ANALYZE")


def test_statistics_are_whole_and_gathered_again_only_at_night(tmp_path: Path) -> None:
    clock = Clock(MORNING)
    path = demo_hall_file(tmp_path / "s.db", MORNING - timedelta(days=1))
    store = open_store(path, clock)
    engine = store.engine
    try:
        with store.write() as conn:
            conn.execute(tickets.insert(), busy_day())
        # No statistics yet: gathered at once, in the morning too, and whole.
        assert housekeeping.optimize(store) == "ANALYZE"
        gathered = stats(engine)
        assert ("tickets", "ix_tickets_status_queue", "3000 750 500") in gathered
        analyze(engine, 0)
        assert stats(engine) == gathered  # what a whole ANALYZE finds
        analyze(engine, 1000)
        assert stats(engine) != gathered  # (a sample would have been wrong here)
        analyze(engine, 0)

        # Known statistics: never in opening hours (a clerk would wait on the writer) …
        assert housekeeping.optimize(store) is None
        # … at night PRAGMA optimize, unsampled.
        clock.now = NIGHT
        assert housekeeping.optimize(store) == "PRAGMA optimize"
        assert stats(engine) == gathered
    finally:
        store.dispose()
