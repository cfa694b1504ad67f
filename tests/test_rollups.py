"""The daily roll-ups (tally_daily) always equal a recount from the raw rows, whatever happens:
finished services, citizens' ratings, defaults swept in tiny batches, 核实 and 整改 of 差评,
across midnight and across the end of the rating period. And the sweep in tiny batches is
idempotent, goes on after a kill, and counts defaults apart."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from central import housekeeping, rating_defaults, rollups
from central.schema_ratings import ratings
from tests.rollup_hall import EVER, T0, WINDOWS, Clock, check, hall_store, rate, review, serve

action = st.one_of(
    st.tuples(st.just("serve"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("rate"), st.integers(0, 50), st.sampled_from([1, 2, 2, 3, 4, 5])),
    st.tuples(
        st.just("review"),
        st.integers(0, 50),
        st.sampled_from(["upheld", "upheld", "unfounded", "mistaken"]),
    ),
    st.tuples(st.just("later"), st.integers(1, 20)),  # hours: across midnight and the period's end
    st.tuples(st.just("sweep"), st.integers(1, 3)),  # batch size
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=st.lists(action, min_size=1, max_size=30))
def test_rollups_equal_a_recount_after_any_actions(tmp_path: Path, actions: list[Any]) -> None:
    clock = Clock()
    path = tmp_path / f"r{abs(hash(tuple(actions)))}.db"
    with hall_store(path, clock) as store:
        for step in actions:
            kind = step[0]
            if kind == "serve":
                serve(store, step[1])
            elif kind == "rate":
                rate(store, step[1], step[2])
            elif kind == "review":
                review(store, step[1], step[2])
            elif kind == "later":
                clock.now += timedelta(hours=step[1])
            else:
                rating_defaults.sweep(store, limit=step[1])
        check(store)
        # Rebuilding from the raw rows is idempotent and lands on the same counts.
        with store.write() as conn:
            rollups.rebuild(conn, *EVER)
        check(store)
    path.unlink()


def test_the_sweep_in_tiny_batches_is_idempotent_resumable_and_apart(tmp_path: Path) -> None:
    clock = Clock()
    with hall_store(tmp_path / "s.db", clock) as store:
        for i in range(7):
            serve(store, WINDOWS[i % len(WINDOWS)])
        rate(store, 0, 4)
        clock.now += timedelta(days=1, minutes=1)  # every period has ended
        # Killed after two batches of two: what was committed stays, the rest is still due.
        assert rating_defaults.sweep(store, limit=2, max_batches=2) == 4
        with store.read() as conn:
            assert rating_defaults.sweep_needed(conn, store.settings, store.now())
        # Goes on where it stopped; again adds nothing.
        assert rating_defaults.sweep(store, limit=2) == 2
        assert rating_defaults.sweep(store, limit=2) == 0
        assert housekeeping.run_once(store)["defaults"] == 0
        with store.read() as conn:
            defaults = conn.execute(
                select(func.count()).select_from(ratings).where(ratings.c.is_default)
            ).scalar()
            assert defaults == 6
            (row,) = rollups.daily_rows(conn, *EVER)
        assert (row.served, row.defaults, row.level_4, row.level_5) == (7, 6, 1, 0)
        check(store)


def test_bump_refuses_a_count_it_does_not_keep(tmp_path: Path) -> None:
    clock = Clock()
    with (
        hall_store(tmp_path / "b.db", clock) as store,
        store.write() as conn,
        pytest.raises(ValueError, match="not a roll-up count"),
    ):
        rollups.bump(conn, T0.date(), "1001", 1, served_twice=1)
