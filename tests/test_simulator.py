"""The demo hall comes alive through the real API: tickets arrive, colleagues serve them."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from client.models import QueueInfo
from counter.demo.arrivals import (
    APPOINTMENT_P,
    GREEN_P,
    appointment_slot,
    choose_kind,
    queue_weights,
)
from counter.demo.handling import handling_seconds

HALL_TZ = timezone(timedelta(hours=8))


# --- the random choices, without a server ----------------------------------------------------


def test_kinds_follow_the_hall_mix() -> None:
    rng = random.Random(7)
    kinds = Counter(choose_kind(rng) for _ in range(20_000))
    assert kinds["green"] / 20_000 == pytest.approx(GREEN_P, abs=0.01)
    assert kinds["appointment"] / 20_000 == pytest.approx(APPOINTMENT_P, abs=0.01)


def test_the_general_intake_queue_is_busiest() -> None:
    queues = [
        QueueInfo(prefix="A", name="综合受理", daily_cap=500),
        QueueInfo(prefix="B", name="不动产登记", daily_cap=300),
        QueueInfo(prefix="F", name="出件领证", daily_cap=300),
    ]
    weights = queue_weights(queues, random.Random(1))
    assert max(weights, key=weights.__getitem__) == "A"
    assert weights["A"] > 2 * weights["B"]


def test_appointment_slots_are_quarter_hours_around_now() -> None:
    now = datetime(2026, 11, 17, 9, 37, 12, tzinfo=HALL_TZ)
    rng = random.Random(3)
    slots = {appointment_slot(now, rng) for _ in range(200)}
    assert all(slot.minute % 15 == 0 and slot.second == 0 for slot in slots)
    assert all(abs(slot - now) <= timedelta(minutes=60) for slot in slots)
    assert any(slot < now for slot in slots) and any(slot > now for slot in slots)


def test_collecting_a_licence_is_quicker_than_an_intake() -> None:
    rng = random.Random(5)
    intake = sum(handling_seconds("A", rng) for _ in range(500)) / 500
    collect = sum(handling_seconds("F", rng) for _ in range(500)) / 500
    assert 3 * 60 < intake < 8 * 60
    assert collect < intake / 2


def test_the_same_seed_gives_the_same_choices() -> None:
    def draws(seed: int) -> list[str]:
        rng = random.Random(f"{seed}:kiosk")
        return [choose_kind(rng) for _ in range(50)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)


# --- the whole demo hall, in-process ---------------------------------------------------------


@pytest.fixture
def central_installed() -> None:
    pytest.importorskip("central.app")
    pytest.importorskip("central.hall_seed")


async def test_a_fast_demo_hall_issues_and_serves_tickets(
    central_installed: None, tmp_path: Path
) -> None:
    from counter.demo import build_demo

    hall = build_demo(seed=1, workdir=tmp_path, speed=300)
    assert hall.db_path.exists()
    assert hall.db_path.is_relative_to(tmp_path)
    sim = hall.simulator
    assert sim is not None
    try:
        await hall.start()
        await hall.start()  # idempotent: the App starts it again on mount
        for _ in range(400):  # bounded: 40 s at most (a loaded 2-core box)
            await asyncio.sleep(0.1)
            issued = sum(sim.stats.issued.values())
            if issued >= 40 and len(sim.stats.issued) >= 4 and sim.stats.finished >= 3:
                break
        stats = sim.stats
        assert len(stats.issued) >= 4, stats
        assert stats.issued["A"] > 0, stats  # its share: test_the_general_intake_queue_is_busiest
        assert sum(stats.called_by_window.values()) >= 3, stats
        assert stats.finished >= 3, stats

        supervisor = hall.new_client()
        await supervisor.login("2001", "counter")
        queues = await supervisor.queues()
        by_queue = {q.prefix: q.issued_today for q in queues.queues}
        assert sum(1 for n in by_queue.values() if n > 0) >= 4
        assert sum(q.served_today for q in queues.queues) >= 3
        windows = (await supervisor.hall()).windows
        by_no = {w.no: w for w in windows}
        # Window 1 is the trainee's: no colleague ever signs on or calls there.
        assert by_no[1].status == "signed_off"
        assert 1 not in stats.called_by_window
        working = [w for w in windows if w.status != "signed_off"]
        assert len(working) >= 5
        assert all(w.staff_no is not None and w.staff_no.startswith("10") for w in working)

        # A trainee who signs in as 1003 gets window 3: the colleague there goes home.
        await hall.free_window(3)
        assert (await supervisor.window(3)).status == "signed_off"
        trainee = hall.new_client()
        await trainee.login("1003", "counter")
        assert (await trainee.sign_on(3)).status == "idle"
        await trainee.aclose()
        await supervisor.aclose()
    finally:
        await hall.aclose()
    assert not hall.db_path.parent.exists()
    assert all(task.done() for task in sim._tasks) or not sim._tasks
    await hall.aclose()  # twice is fine


async def test_exclude_windows_keeps_colleagues_away(
    central_installed: None, tmp_path: Path
) -> None:
    from counter.demo import build_demo

    hall = build_demo(seed=2, workdir=tmp_path, speed=300, exclude_windows={2, 3})
    try:
        await hall.start()
        sim = hall.simulator
        assert sim is not None
        for _ in range(300):
            await asyncio.sleep(0.1)
            if sum(sim.stats.called_by_window.values()) >= 5:
                break
        assert sum(sim.stats.called_by_window.values()) >= 5, sim.stats
        assert not {1, 2, 3} & set(sim.stats.called_by_window)
    finally:
        await hall.aclose()


async def test_a_quiet_demo_has_no_simulator(central_installed: None, tmp_path: Path) -> None:
    from counter.demo import build_demo

    hall = build_demo(workdir=tmp_path, simulate=False)
    try:
        assert hall.simulator is None
        await hall.start()
        staff_no, password = hall.login_for("clerk")
        assert (staff_no, password) == ("1001", "counter")
        login = await hall.client.login(staff_no, password)
        assert login.staff.role == "clerk"
        assert hall.account("1001").window == 1
        assert hall.login_for("supervisor")[0] == "2001"
        assert hall.client.is_in_process
        queues = await hall.client.queues()
        assert sum(q.issued_today for q in queues.queues) == 0
    finally:
        await hall.aclose()


async def test_the_simulator_survives_a_broken_server(
    central_installed: None, tmp_path: Path
) -> None:
    """A server that answers errors (here: every account's password wrong) must not crash it."""
    from counter.demo import DemoAccount, build_demo
    from counter.demo.simulator import HallSimulator

    hall = build_demo(workdir=tmp_path, simulate=False)
    wrong = [DemoAccount(a.staff_no, a.name, a.role, "wrong", a.window) for a in hall.accounts]
    sim = HallSimulator(hall.new_client, wrong, seed=1, speed=1000)
    try:
        await sim.start()
        await asyncio.sleep(1.0)
        assert sim.stats.errors > 0
        assert all(not task.done() for task in sim._tasks)  # still trying, not dead
    finally:
        await sim.aclose()
        await hall.aclose()
