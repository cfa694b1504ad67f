"""`counter demo --speed N`: the demo's central keeps the simulated hall's time, so every wait
the trainee sees moves N times faster than the wall (issue 15)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from counter.app import make_app
from counter.core.config import Config
from counter.demo.sim_time import SimTime
from screens.call_named import CallNamedScreen
from tests.pilot import SIZE, sign_in, text_of, until

pytest.importorskip("central.app")


async def test_the_hall_clock_runs_at_the_speed_and_stands_still_while_paused() -> None:
    clock = SimTime(10)
    runner = asyncio.create_task(clock.run())
    try:
        await asyncio.sleep(0.5)
        moved = clock.now_s()
        assert 4.5 <= moved < 8, moved  # 0.5 real seconds at ×10 (a loaded box: a bit more)
        clock.pause()
        held = clock.now_s()
        await asyncio.sleep(0.3)
        assert clock.now_s() == held  # the trainer's pause holds the clock too
        clock.resume()
        await asyncio.sleep(0.3)
        assert held + 2.5 <= clock.now_s() < held + 6
    finally:
        clock.close()
        await runner
    closed = clock.now_s()
    await asyncio.sleep(0.1)
    assert clock.now_s() == closed


async def test_a_wait_shown_after_six_real_seconds_at_speed_10_is_a_simulated_minute(
    tmp_path: Path,
) -> None:
    from counter.demo import build_demo

    # Colleagues at windows 2–16 stay home, so the ticket waits for the trainee alone.
    hall = build_demo(seed=6, workdir=tmp_path, speed=10, exclude_windows=range(2, 17))
    app = make_app(client=hall.client, config=Config(lang="en", window=1), demo=hall)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await sign_in(pilot, app, "1001")
            number = await hall.issue_ticket("A")
            issued_real = time.monotonic()
            await pilot.pause(max(0.0, issued_real + 6.0 - time.monotonic()))
            await pilot.press("g")
            await until(pilot, lambda: isinstance(app.screen, CallNamedScreen), "the dialog")
            await pilot.press(*number.lower(), "enter", *"speed", "enter")
            await until(
                pilot,
                lambda: app.session.current is not None and app.session.current.number == number,
                "the named call",
            )
            real_s = time.monotonic() - issued_real
            current = app.session.current
            assert current is not None and current.called_at is not None
            waited_s = (current.called_at - current.issued_at).total_seconds()
            # Ten simulated seconds a real one: ~60 s of the hall's time, not 6 of the wall's.
            assert 55 <= waited_s <= real_s * 10 + 5, (waited_s, real_s)
            shown = lambda: text_of(app.screen, "#ticket-info")  # noqa: E731
            await until(pilot, lambda: "waited 1 min" in shown(), "the wait shown")
            # The status line's clock is the hall's too: it moves a minute every 6 s.
            assert abs((app.now() - hall.now()).total_seconds()) < 5
            assert (app.now() - current.issued_at).total_seconds() >= 55
    finally:
        await hall.aclose()
