"""The report's ticket pass reads the stored instants raw (no per-value conversion): waits and
handling times must be the same exact seconds as from the datetimes themselves, on both
backends, including half seconds (rounding), times across midnight and tickets never called."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from central.hall_time import service_day
from central.report_rollups import ticket_times
from central.reports import mean, p90, report
from central.schema import tickets

pytestmark = pytest.mark.backends("sqlite", "postgresql")

DAY = date(2026, 11, 27)


def _tickets(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    base = datetime(2026, 11, 27, 0, 30, tzinfo=timezone.utc)  # 08:30 in the hall
    for i in range(1, 301):
        issued = base + timedelta(seconds=rng.uniform(0, 30_000), microseconds=rng.choice((0, 1)))
        status = rng.choice(("done", "done", "done", "missed", "waiting", "cancelled"))
        # Exact half seconds and whole microseconds: the rounding must see the same value.
        wait = timedelta(seconds=rng.choice((0.5, 1.5, 2.5, 59.999999, 600.0000005)))
        wait += timedelta(seconds=rng.randrange(0, 3) * 3600, microseconds=rng.randrange(10**6))
        called = issued + wait if status in ("done", "missed") else None
        started = called + timedelta(seconds=rng.uniform(1, 60)) if status == "done" else None
        finished = (
            started + timedelta(hours=rng.choice((0, 16)), seconds=rng.uniform(0.4, 900.6))
            if started
            else None
        )
        rows.append({
            "id": i, "number": f"A{i:03d}", "issued_queue": "A", "queue_prefix": "A",
            "service_day": DAY, "seq": i, "kind": "walk_in", "status": status,
            "issued_at": issued, "called_at": called, "started_at": started,
            "finished_at": finished, "window_no": 1 if called else None,
            "staff_no": rng.choice(("1001", "1002")) if called else None, "recall_count": 0,
        })  # fmt: skip
    return rows


def test_waits_and_handling_are_the_exact_seconds(central_app: Any) -> None:
    store = central_app.state.store
    rows = _tickets(random.Random(12))
    with store.write() as conn:
        conn.execute(tickets.insert(), rows)
    with store.read() as conn:
        read = {(r[0], r[3], r[4], r[5]) for r in ticket_times(conn, DAY, DAY)}
        made = report(conn, "day", DAY, datetime(2026, 11, 28, tzinfo=timezone.utc))
    expected = set()
    micro = timedelta(microseconds=1)
    for r in rows:
        wait = (r["called_at"] - r["issued_at"]) // micro if r["called_at"] else None
        handle = (r["finished_at"] - r["started_at"]) // micro if r["status"] == "done" else None
        expected.add(("A", r["staff_no"], wait, handle))
    assert read == expected
    waits = [(r["called_at"] - r["issued_at"]).total_seconds() for r in rows if r["called_at"]]
    done = [r for r in rows if r["status"] == "done"]
    handles = [(r["finished_at"] - r["started_at"]).total_seconds() for r in done]
    queue = next(q for q in made.queues if q.prefix == "A")
    assert (queue.issued, queue.served) == (300, len(done))
    assert queue.wait_p90_s == p90(waits) and queue.wait_avg_s == mean(waits)
    assert queue.handle_p90_s == p90(handles) and queue.handle_avg_s == mean(handles)
    clerk = next(c for c in made.clerks if c.staff_no == "1001")
    mine = [r for r in done if r["staff_no"] == "1001"]
    assert clerk.served == len(mine)
    assert clerk.wait_p90_s == p90(
        [(r["called_at"] - r["issued_at"]).total_seconds() for r in mine]
    )
    assert service_day(rows[0]["issued_at"]) == DAY
