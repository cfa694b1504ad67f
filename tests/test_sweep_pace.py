"""The periodic job's default sweep in time-boxed batches: the size follows how long batches
held the writer (halves at once after a long one, grows slowly after quick ones, within its
bounds), and the paced sweep stores exactly what fixed batches store: once, resumable."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from central import housekeeping, rating_defaults, rollups, sweep_pace
from central.context import SystemCtx
from central.schema_ratings import ratings
from central.sweep_pace import Pace
from tests.rollup_hall import EVER, WINDOWS, Clock, check, hall_store, rate, serve


def test_the_batch_follows_the_time_it_held_the_writer() -> None:
    pace = Pace(size=100, smallest=5, largest=400, target_s=0.015)
    pace.took(0.120, 100)  # ran long: halves at once
    assert pace.size == 50
    pace.took(0.040, 50)  # still over twice the aim
    assert pace.size == 25
    pace.took(0.005, 25)  # quick: grows, by half at most
    assert pace.size == 37
    for _ in range(20):
        pace.took(0.001, pace.size)
    assert pace.size == 400  # never above its largest
    for _ in range(20):
        pace.took(1.0, pace.size)
    assert pace.size == 5  # never below its smallest
    pace.took(0.5, 0)  # nothing stored: nothing learnt
    assert pace.size == 5
    pace.size = 40
    pace.took(0.012, 40)  # about the aim: grows only as far as the aim allows
    assert pace.size == 50


def test_the_paced_sweep_stores_each_default_once_and_resumes(tmp_path: Path) -> None:
    clock = Clock()
    with hall_store(tmp_path / "p.db", clock) as store:
        for i in range(9):
            serve(store, WINDOWS[i % len(WINDOWS)])
        rate(store, 0, 4)
        clock.now += timedelta(days=1, minutes=1)  # every period has ended
        # Stopped after two batches of three (held there, whatever they took): what was
        # committed stays.
        assert sweep_pace.sweep(store, Pace(size=3, smallest=3, largest=3), max_batches=2) == 6
        assert sweep_pace.sweep(store, Pace(size=3, smallest=3, largest=3)) == 2
        assert sweep_pace.sweep(store) == 0
        assert housekeeping.run_once(store)["defaults"] == 0
        with store.read() as conn:
            defaults = conn.execute(
                select(func.count()).select_from(ratings).where(ratings.c.is_default)
            ).scalar()
            (row,) = rollups.daily_rows(conn, *EVER)
        assert defaults == 8
        assert (row.served, row.defaults, row.level_4) == (9, 8, 1)
        check(store)


def test_a_batch_read_before_another_sweep_stored_it_is_not_stored_twice(tmp_path: Path) -> None:
    """Each batch is read outside its write transaction; if another sweep (a second central
    on the same database) stored those services meanwhile, the write stores nothing and the
    next read goes on from that sweep's mark."""
    clock = Clock()
    with hall_store(tmp_path / "twice.db", clock) as store:
        for i in range(5):
            serve(store, WINDOWS[i % len(WINDOWS)])
        clock.now += timedelta(days=1, minutes=1)
        ctx = SystemCtx(now=store.now(), hall="demo", source="test")
        with store.read() as conn:
            mine = rating_defaults.pick_batch(conn, store.settings, store.now(), 3)
            theirs = rating_defaults.pick_batch(conn, store.settings, store.now(), 3)
        assert mine is not None and theirs is not None and len(mine.rows) == 3
        with store.write() as conn:
            assert rating_defaults.store_batch(conn, ctx, store.settings, theirs) == 3
        with store.write() as conn:
            assert rating_defaults.store_batch(conn, ctx, store.settings, mine) is None
        assert sweep_pace.sweep(store) == 2
        with store.read() as conn:
            defaults = conn.execute(
                select(func.count()).select_from(ratings).where(ratings.c.is_default)
            ).scalar()
            (row,) = rollups.daily_rows(conn, *EVER)
        assert defaults == 5
        assert (row.served, row.defaults) == (5, 5)
        check(store)
