"""Same seed, same morning: two runs of the living demo hall with the same --seed, at high
speed, issue the same tickets, call them to the same windows in the same order, decide the same
matters and get the same ratings (the simulated time wakes one actor at a time, so nothing
races); another seed gives another morning."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from client.hall_time import HALL_TZ
from counter.demo import build_demo
from counter.demo.sim_time import SimTime

pytest.importorskip("central.app")

# A Monday's morning peak; ten minutes of the hall.
OPENS = datetime(2026, 11, 30, 9, 45, tzinfo=HALL_TZ)
RUN_S = 10 * 60


def _outcomes(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        return {
            "tickets": conn.execute(
                "SELECT number, queue_prefix, kind, status, window_no, staff_no, recall_count "
                "FROM tickets ORDER BY id"
            ).fetchall(),
            "calls": conn.execute(
                "SELECT number, window_no, called_at FROM tickets "
                "WHERE called_at IS NOT NULL ORDER BY called_at, id"
            ).fetchall(),
            "decisions": conn.execute(
                "SELECT ticket_number, decision, item_code, window_no FROM cases ORDER BY id"
            ).fetchall(),
            "escalations": conn.execute(
                "SELECT ticket_number, item_code FROM escalations ORDER BY id"
            ).fetchall(),
            "ratings": conn.execute(
                "SELECT ticket_number, level, rated_at FROM ratings WHERE is_default = 0 "
                "ORDER BY id"
            ).fetchall(),
            # Every step the hall recorded, in order (sign-ins aside: the actors sign in at
            # the same instant while the kiosk lets the morning's citizens in).
            "audit": conn.execute(
                "SELECT at, actor, window_no, action, object_type, object_id FROM audit "
                "WHERE action NOT LIKE 'auth.%' ORDER BY id"
            ).fetchall(),
        }


async def _morning(tmp_path: Path, seed: int) -> dict[str, list[tuple[object, ...]]]:
    tmp_path.mkdir()
    time = SimTime(1000, until=RUN_S)

    def clock() -> datetime:
        return OPENS + timedelta(seconds=time.elapsed)

    hall = build_demo(seed=seed, workdir=tmp_path, clock=clock, speed=1000, time=time)
    try:
        await hall.start()
        await asyncio.wait_for(time.over.wait(), 120)
        # Everyone asleep at the same simulated second: what the hall's records say now.
        outcomes = await asyncio.to_thread(_outcomes, hall.db_path)
        assert hall.simulator is not None
        # What each citizen brought to the desk (a returning one: what they bring back).
        bags = sorted(hall.simulator.bags.values(), key=lambda found: found[0])
        outcomes["documents"] = [(number, repr(bag)) for number, bag in bags]
        # Citizens turned away: when each comes back, to which queue, with which papers.
        desk = hall.simulator.desk
        outcomes["returns"] = [(hall.simulator.stats.returns, sorted(desk.notices.items()))] + [
            (round(when, 6), queue, repr(bag)) for when, _, queue, bag in desk._returns
        ]
        return outcomes
    finally:
        await hall.aclose()


async def test_the_same_seed_gives_the_same_morning_another_seed_another(
    tmp_path: Path,
) -> None:
    first = await _morning(tmp_path / "one", 4)
    second = await _morning(tmp_path / "two", 4)
    assert len(first["tickets"]) > 30 and len(first["calls"]) > 10
    assert first["decisions"] and first["ratings"] and first["documents"]
    assert len(first["returns"]) > 1  # citizens turned away, their comeback scheduled
    for what in first:
        assert first[what] == second[what], what
    other = await _morning(tmp_path / "three", 5)
    assert other["tickets"] != first["tickets"]
    assert other["audit"] != first["audit"]
