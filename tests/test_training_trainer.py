"""The trainer's keys in a living demo hall: Ctrl+G pauses the simulated hall (nobody arrives
or moves) and resumes it; Ctrl+O lets a citizen take a ticket in the queue typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter.app import make_app
from counter.core.config import Config
from counter.demo import build_demo
from tests.pilot import SIZE, until

pytest.importorskip("central.app")


async def test_pause_resume_and_a_ticket_in_a_chosen_queue(tmp_path: Path) -> None:
    hall = build_demo(seed=5, workdir=tmp_path, speed=200)
    sim = hall.simulator
    assert sim is not None
    app = make_app(client=hall.client, config=Config(lang="en", window=1), demo=hall)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: sum(sim.stats.issued.values()) > 20, "arrivals", 500)
            await pilot.press("ctrl+g")
            assert not sim.resumed.is_set()
            await pilot.pause(1.0)  # let whatever was in flight land
            frozen = sum(sim.stats.issued.values()), sim.stats.started
            await pilot.pause(1.5)  # at ×200: five simulated minutes
            assert (sum(sim.stats.issued.values()), sim.stats.started) == frozen
            await pilot.press("ctrl+g")
            await until(pilot, lambda: sum(sim.stats.issued.values()) > frozen[0], "arrivals again")

            await pilot.press("ctrl+o")
            await until(pilot, lambda: type(app.screen).__name__ == "TrainerTicketScreen", "ask")
            await pilot.press("b", "enter")
            await until(
                pilot,
                lambda: any("issued" in str(n.message) for n in app._notifications),
                "the ticket issued",
            )
            said = [str(n.message) for n in app._notifications if "issued" in str(n.message)]
            number = said[-1].split()[1].rstrip(".")
            assert number.startswith("B")
            trainer = hall.new_client()
            await trainer.login("2001", "counter")
            ticket = await trainer.ticket_by_number(number)
            await trainer.aclose()
            assert ticket.queue == "B"
    finally:
        await hall.aclose()


async def test_restart_puts_the_scenario_in_line_again(tmp_path: Path) -> None:
    from tests.training_pilot import ready, report_of, scenario_hall, trainee_app

    async with scenario_hall(tmp_path, "green-channel") as hall:
        app = trainee_app(hall, "en")
        training = hall.training
        assert training is not None
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot, app, hall)
            first = [ticket.id for ticket in training.tickets]
            await pilot.press("ctrl+r")
            await until(
                pilot,
                lambda: any("starts again" in str(n.message) for n in app._notifications),
                "the restart",
            )
            trainer = hall.new_client()
            await trainer.login("2001", "counter")
            old = [await trainer.ticket(no) for no in first]
            await trainer.aclose()
            assert {ticket.status for ticket in old} == {"cancelled"}
            report = await report_of(hall)
    assert [case.ticket_number for case in report.cases] == ["A004", "A005", "A006"]
    assert [ticket.id for ticket in training.tickets] != first
