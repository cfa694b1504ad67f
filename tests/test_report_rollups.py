"""The reports' daily roll-ups (report_daily) give the very figures the tickets give: issued,
served, no-shows, average and p90 waits and handling per queue and per clerk — whatever the
tickets (exact half seconds, whole microseconds, tickets never called, across several days),
after the periodic job rolled the closed days up, and again after a ticket of a rolled-up day
changed (an audited step) and the job ran once more."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from central import audit, housekeeping, report_rollups, reports
from central.context import SystemCtx
from central.schema import tickets
from central.store import Store
from tests.hall_data import demo_hall_file, open_store

FIRST = date(2026, 11, 2)  # a Monday; the hall's day starts 00:00 UTC+8
DAYS = 4
TODAY = FIRST + timedelta(days=DAYS)  # the clock's day: tickets of it stay raw
NOW = datetime(2026, 11, 6, 3, 0, tzinfo=timezone.utc)  # 11:00 in the hall on TODAY
MICRO = timedelta(microseconds=1)
RUNS = itertools.count()


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def empty_hall(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo hall, migrated and seeded once; each example starts from a copy."""
    path = tmp_path_factory.mktemp("hall") / "hall.db"
    return demo_hall_file(path, NOW - timedelta(days=30))


@contextmanager
def hall_store(template: Path, path: Path) -> Iterator[Store]:
    shutil.copyfile(template, path)
    store = open_store(path, Clock())
    try:
        yield store
    finally:
        store.dispose()


# A duration: exact half seconds, whole seconds, any microsecond, up to two hours.
duration = st.one_of(
    st.integers(0, 7_200).map(lambda s: s * 1_000_000 + 500_000),
    st.integers(0, 7_200).map(lambda s: s * 1_000_000),
    st.integers(0, 7_200_000_000),
)
ticket = st.tuples(
    st.integers(0, DAYS),  # day offset from FIRST (DAYS: today)
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from(["done", "done", "done", "missed", "waiting", "cancelled", "serving"]),
    st.integers(0, 30_000),  # seconds after 08:30 in the hall
    duration,  # wait
    duration,  # handling
    st.sampled_from(["1001", "1002", "1003"]),
)


def rows_of(made: list[Any]) -> list[dict[str, Any]]:
    """Ticket rows in the order they were issued (ids grow with time, as in the hall)."""
    rows = []
    seq: dict[tuple[str, int], int] = {}
    in_order = sorted(made, key=lambda m: (m[0], m[3]))
    for i, (offset, queue, status, at, wait_us, handle_us, who) in enumerate(in_order, start=1):
        day = FIRST + timedelta(days=offset)
        n = seq[(queue, offset)] = seq.get((queue, offset), 0) + 1
        issued = datetime.combine(day, datetime.min.time(), timezone.utc) + timedelta(
            minutes=30, seconds=at
        )
        called = issued + wait_us * MICRO if status in ("done", "missed", "serving") else None
        started = called + timedelta(seconds=5) if status in ("done", "serving") else None
        finished = started + handle_us * MICRO if status == "done" and started else None
        rows.append({
            "id": i, "number": f"{queue}{n:03d}", "issued_queue": queue, "queue_prefix": queue,
            "service_day": day, "seq": n, "kind": "walk_in", "status": status,
            "issued_at": issued, "called_at": called, "started_at": started,
            "finished_at": finished, "window_no": 1 if called else None,
            "staff_no": who if called else None, "recall_count": 0,
        })  # fmt: skip
    return rows


def raw(store: Store) -> dict[date, report_rollups.Day]:
    with store.read() as conn:
        return report_rollups.count(report_rollups.ticket_times(conn, FIRST, TODAY))


def mixed(store: Store) -> dict[date, report_rollups.Day]:
    with store.read() as conn:
        return report_rollups.figures(conn, FIRST, TODAY)


def month(store: Store) -> Any:
    with store.read() as conn:
        return reports.report(conn, "month", FIRST, NOW)


def check_against_tickets(made: list[dict[str, Any]], report: Any) -> None:
    """The report's time figures against the tickets, computed here from the raw instants."""

    def half_up(us: int, n: int) -> int:
        return (2 * us + n * 1_000_000) // (2 * n * 1_000_000)

    def p90(values: list[int]) -> int:
        ordered = sorted(values)
        return half_up(ordered[max(0, -(-9 * len(ordered) // 10) - 1)], 1)

    for q in report.queues:
        mine = [r for r in made if r["issued_queue"] == q.prefix]
        waits = [(r["called_at"] - r["issued_at"]) // MICRO for r in mine if r["called_at"]]
        done = [r for r in mine if r["status"] == "done"]
        handles = [(r["finished_at"] - r["started_at"]) // MICRO for r in done]
        assert (q.issued, q.served) == (len(mine), len(done))
        assert q.no_show == sum(1 for r in mine if r["status"] == "missed")
        assert q.wait_p90_s == (p90(waits) if waits else None)
        assert q.wait_avg_s == (half_up(sum(waits), len(waits)) if waits else None)
        assert q.handle_p90_s == (p90(handles) if handles else None)
        assert q.handle_avg_s == (half_up(sum(handles), len(handles)) if handles else None)
    for c in report.clerks:
        done = [r for r in made if r["status"] == "done" and r["staff_no"] == c.staff_no]
        waits = [(r["called_at"] - r["issued_at"]) // MICRO for r in done]
        assert c.served == len(done)
        assert c.wait_p90_s == p90(waits)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(made=st.lists(ticket, min_size=1, max_size=60), pick=st.integers(0, 10**6))
def test_rolled_up_figures_equal_the_tickets(
    empty_hall: Path, tmp_path: Path, made: list[Any], pick: int
) -> None:
    path = tmp_path / f"r{next(RUNS)}.db"  # a fresh database for each example
    rows = rows_of(made)
    with hall_store(empty_hall, path) as store:
        with store.write() as conn:
            conn.execute(tickets.insert(), rows)
        before = month(store)  # nothing rolled up yet: every day from the tickets
        check_against_tickets(rows, before)

        # The closed days, from the first ticket's: rolled up, those without tickets too.
        first = rows[0]["service_day"]
        closed = {first + timedelta(days=i) for i in range((TODAY - first).days)}
        assert housekeeping.run_once(store)["report_days"] == len(closed)
        with store.read() as conn:
            assert report_rollups.rolled_days(conn, FIRST, TODAY) == closed
        assert mixed(store) == raw(store)
        assert month(store) == before
        assert report_rollups.catch_up(store) == 0  # idempotent: nothing more to do

        # A ticket of a closed day changes (an audited step): the next round rolls it again.
        past = [r for r in rows if r["service_day"] < TODAY]
        if past:
            changed = past[pick % len(past)]
            ctx = SystemCtx(now=store.now(), hall="demo", source="test")
            with store.write() as conn:
                conn.execute(
                    update(tickets).where(tickets.c.id == changed["id"]).values(status="missed")
                )
                audit.record(conn, ctx, "ticket.no_show", "ticket", changed["id"],
                             before=None, after={"status": "missed"})  # fmt: skip
            assert report_rollups.catch_up(store) == 1
            assert mixed(store) == raw(store)
            changed["status"] = "missed"
            changed["finished_at"] = None
            check_against_tickets(rows, month(store))
    path.unlink()
