"""Today's report figures from the memo of settled tickets (central.report_today) equal a
recount of today's tickets after any sequence of issues, calls, finishes, no-shows,
reactivations, cancels and reports in between — and the report over HTTP reads only the
tickets the memo does not hold."""

from __future__ import annotations

import itertools
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from central import housekeeping, report_rollups, report_today, reports
from central.schema import tickets
from central.store import Store
from tests.hall_data import demo_hall_file, open_store

TODAY = date(2026, 11, 6)
NOW = datetime(2026, 11, 6, 3, 0, tzinfo=timezone.utc)  # 11:00 in the hall
RUNS = itertools.count()
US = timedelta(microseconds=1)


@pytest.fixture(scope="module")
def empty_hall(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("today") / "hall.db"
    return demo_hall_file(path, NOW - timedelta(days=30))


def recount(store: Store, day: date = TODAY) -> report_rollups.Day:
    with store.read() as conn:
        return report_rollups.count(report_rollups.ticket_times(conn, day, day)).get(day, {})


def from_memo(store: Store, memo: report_today.TodayMemo, day: date = TODAY) -> Any:
    with store.read() as conn:
        return report_today.day_figures(conn, day, memo)


step = st.tuples(
    st.sampled_from(
        ["issue", "call", "start", "finish", "no_show", "reactivate", "cancel", "report"]
    ),
    st.integers(0, 10**6),  # which ticket
    st.integers(0, 4_000_000_000),  # microseconds the step took
    st.sampled_from(["A", "B"]),
    st.sampled_from(["1001", "1002"]),
)
FROM = {"call": "waiting", "start": "called", "finish": "serving", "no_show": "called",
        "reactivate": "missed", "cancel": "waiting"}  # fmt: skip


def _apply(store: Store, action: str, pick: int, took: int, queue: str, who: str) -> None:
    at = NOW + took * US
    with store.write() as conn:
        if action == "issue":
            seq = conn.execute(select(tickets.c.seq).order_by(tickets.c.id.desc())).first()
            n = (seq[0] if seq else 0) + 1
            conn.execute(tickets.insert().values(
                number=f"{queue}{n:03d}", issued_queue=queue, queue_prefix=queue,
                service_day=TODAY, seq=n, kind="walk_in", status="waiting", issued_at=at,
                recall_count=0,
            ))  # fmt: skip
            return
        ids = conn.execute(
            select(tickets.c.id, tickets.c.issued_at).where(tickets.c.status == FROM[action])
        ).all()
        if not ids:
            return
        ident, issued = ids[pick % len(ids)]
        later = issued + timedelta(seconds=1) + took * US
        values: dict[str, Any] = {
            "call": {"status": "called", "called_at": later, "staff_no": who, "window_no": 1},
            "start": {"status": "serving", "started_at": later},
            "finish": {"status": "done", "finished_at": later + timedelta(seconds=3)},
            "no_show": {"status": "missed"},
            "reactivate": {"status": "waiting"},
            "cancel": {"status": "cancelled"},
        }[action]
        conn.execute(update(tickets).where(tickets.c.id == ident).values(**values))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, min_size=1, max_size=60))
def test_todays_figures_from_the_memo_equal_a_recount(
    empty_hall: Path, tmp_path: Path, steps: list[Any]
) -> None:
    path = tmp_path / f"t{next(RUNS)}.db"
    shutil.copyfile(empty_hall, path)
    store = open_store(path, lambda: NOW)
    memo = report_today.TodayMemo()
    try:
        for action, *rest in steps:
            if action == "report":
                assert from_memo(store, memo) == recount(store)
            else:
                _apply(store, action, *rest)
        assert from_memo(store, memo) == recount(store)
        assert from_memo(store, memo) == recount(store)  # the memo as it moved on
        settled = memo.settled
        assert settled is not None
        with store.read() as conn:
            rows = conn.execute(select(tickets.c.id, tickets.c.status)).all()
        assert settled.upto == max((r.id for r in rows), default=0)
        assert settled.open_ids == {r.id for r in rows if r.status not in ("done", "cancelled")}
        # Another day: the memo of today is not used for it.
        assert from_memo(store, memo, TODAY - timedelta(days=1)) == {}
    finally:
        store.dispose()
        path.unlink()


def _day_scenario(store: Store) -> report_today.TodayMemo:
    """30 tickets: 20 called, 12 started, 8 finished, a no-show, a cancel; reports with and
    without the memo agree, then again after the no-show is reactivated and finished."""
    for i in range(30):
        _apply(store, "issue", 0, i * 1_000_000, "AB"[i % 2], "1001")
    for i in range(20):
        _apply(store, "call", i, i * 7_000_000, "A", "1001" if i % 3 else "1002")
    for i in range(12):
        _apply(store, "start", i, 2_000_000, "A", "1001")
    for i in range(8):
        _apply(store, "finish", i, i * 90_000_000, "A", "1001")
    _apply(store, "no_show", 0, 0, "A", "1001")
    _apply(store, "cancel", 0, 0, "A", "1001")
    memo = report_today.TodayMemo()
    with store.read() as conn:
        plain = reports.report(conn, "day", TODAY, NOW)
        first = reports.report(conn, "day", TODAY, NOW, memo)
        second = reports.report(conn, "day", TODAY, NOW, memo)
    assert first == plain and second == plain
    assert plain.queues and plain.clerks
    # The no-show reactivated and finished after the memo took it in: counted anew.
    _apply(store, "reactivate", 0, 0, "A", "1001")
    for action in ("call", "start", "finish"):
        _apply(store, action, 10**5, 5_000_000, "A", "1002")
    with store.read() as conn:
        again = reports.report(conn, "day", TODAY, NOW)
        assert reports.report(conn, "day", TODAY, NOW, memo) == again
    assert again.queues[0].no_show == 0
    return memo


def test_the_day_report_counts_only_what_the_memo_does_not_hold(
    empty_hall: Path, tmp_path: Path
) -> None:
    """The whole report with the memo equals the report without it; the memo holds the done
    and cancelled tickets, so the next report reads only the open ones."""
    path = tmp_path / "r.db"
    shutil.copyfile(empty_hall, path)
    store = open_store(path, lambda: NOW)
    try:
        memo = _day_scenario(store)
        settled = memo.settled
        assert settled is not None and settled.upto == 30
        assert len(settled.open_ids) == 30 - 10  # 9 done, 1 cancelled
    finally:
        store.dispose()


@pytest.mark.backends("sqlite", "postgresql")
def test_the_memo_on_each_backend(central_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same on a real PostgreSQL (its lookback cut to 2 ids so this small day settles)."""
    monkeypatch.setitem(report_today.LOOKBACK, "postgresql", 2)
    store = central_app.state.store
    memo = _day_scenario(store)
    settled = memo.settled
    assert settled is not None
    with store.read() as conn:
        highest = conn.execute(select(tickets.c.id).order_by(tickets.c.id.desc())).scalar()
    lookback = 2 if store.engine.dialect.name == "postgresql" else 0
    assert settled.upto == highest - lookback


def test_each_central_keeps_its_own_memo(empty_hall: Path, tmp_path: Path) -> None:
    stores = []
    for name in ("a.db", "b.db"):
        shutil.copyfile(empty_hall, tmp_path / name)
        stores.append(open_store(tmp_path / name, lambda: NOW))
    try:
        one, other = (report_today.memo_of(s) for s in stores)
        assert one is report_today.memo_of(stores[0]) and one is not other
    finally:
        for s in stores:
            s.dispose()


def test_the_periodic_job_keeps_the_memo_up_to_today(empty_hall: Path, tmp_path: Path) -> None:
    """Once at start and each round the job moves the memo on, so the first report after a
    start does not count the whole day."""
    path = tmp_path / "job.db"
    shutil.copyfile(empty_hall, path)
    store = open_store(path, lambda: NOW)
    try:
        for i in range(6):
            _apply(store, "issue", 0, i * 1_000_000, "A", "1001")
        for action in ("call", "start", "finish"):
            _apply(store, action, 0, 4_000_000, "A", "1001")
        housekeeping.run_once(store)
        settled = report_today.memo_of(store).settled
        assert settled is not None and settled.day == TODAY
        assert (settled.upto, len(settled.open_ids)) == (6, 5)
        assert settled.figures == recount_settled(store)
    finally:
        store.dispose()


def recount_settled(store: Store) -> report_rollups.Day:
    with store.read() as conn:
        rows = [
            r
            for r in report_rollups.ticket_times(conn, TODAY, TODAY)
            if r[1] in report_today.SETTLED
        ]
    return report_rollups.count(rows).get(TODAY, {})
