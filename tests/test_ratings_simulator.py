"""The demo's simulated citizens rate finished services: a realistic spread, through the API."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.demo.rating_simulator import RatingSimulator, citizen_rating


def test_the_spread_is_mostly_five_and_four_with_a_few_bad_ones_commented() -> None:
    rng = random.Random(7)
    answers = [citizen_rating(1, rng) for _ in range(4000)]
    rated = [a for a in answers if a is not None]
    levels = Counter(a.level for a in rated)
    assert 0.7 < len(rated) / len(answers) < 0.9  # some never rate
    assert (levels[5] + levels[4]) / len(rated) > 0.85
    bad = [a for a in rated if a.level <= 2]
    assert 0.02 < len(bad) / len(rated) < 0.07
    assert all(a.comment and a.reasons for a in bad)
    assert all(a.level in (1, 2, 3, 4, 5) for a in rated)
    again = [citizen_rating(1, random.Random(7)) for _ in range(1)]
    assert again[0] == answers[0]  # seeded: repeatable


async def test_a_finished_service_gets_rated_after_a_short_delay(
    central_app: Any, make_client: Any
) -> None:
    def new_client() -> CentralClient:
        return CentralClient("http://central.test", transport=StreamingASGITransport(central_app))

    simulator = RatingSimulator(new_client, seed=3, speed=400.0)
    simulator.rng.random = lambda: 0.5  # type: ignore[method-assign]  # always rates
    await simulator.start()
    try:
        kiosk, desk = await make_client("kiosk01"), await make_client("1005")
        await desk.sign_on(5)
        await asyncio.sleep(0.3)  # the pad's event stream is up
        finished = []
        for _ in range(3):
            await kiosk.issue_ticket("A")
            ticket = await desk.call_next(5)
            assert ticket is not None
            await desk.start(ticket.id)
            await asyncio.sleep(0.05)
            finished.append((await desk.finish(ticket.id)).id)
            await asyncio.sleep(0.05)
        for _ in range(200):
            if simulator.stats.rated == 3:
                break
            await asyncio.sleep(0.02)
        assert simulator.stats.rated == 3, simulator.stats
        rated = await desk.ratings()
        assert sorted(r.ticket_id for r in rated) == sorted(finished)
        assert all(r.channel == "pad" and not r.is_default for r in rated)
    finally:
        await simulator.aclose()
