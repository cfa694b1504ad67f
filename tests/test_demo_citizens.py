"""Simulated citizens: the day curve, and the bags of papers (each flaw a trainee must catch),
the same for the same seed; in a living demo, the simulated citizens' bags repeat by seed."""

from __future__ import annotations

import asyncio
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from central.catalog import load_catalog
from client.catalog_models import CatalogItem
from client.validators import age_on, check_resident_id
from counter.demo.citizens import FLAWS, Bag, bag_for, day_factor, fitting, items_for

TODAY = date(2026, 11, 30)


def test_the_morning_peaks_and_lunch_dips() -> None:
    assert day_factor(10.0) > day_factor(9.1) > day_factor(12.5)
    assert day_factor(14.5) > day_factor(12.5) < day_factor(11.0)
    assert day_factor(20.0) < 0.5


def _items() -> list[CatalogItem]:
    catalog = load_catalog()
    return list(catalog.items)


def test_each_flaw_shows_in_the_bag_and_the_same_seed_repeats() -> None:
    items = _items()
    senior = next(i for i in items if i.code == "GJ-001")  # the senior card: min_age 65

    def bags_of(n: int) -> list[Bag]:
        item = senior if n % 3 == 0 else random.Random(n).choice(items)
        return [bag_for(item, random.Random(n), TODAY)]

    bags = [bag for n in range(300) for bag in bags_of(n)]
    again = [bag for n in range(300) for bag in bags_of(n)]
    assert bags == again
    seen = {bag.flaw for bag in bags}
    assert set(FLAWS) <= seen and None in seen
    for bag in bags:
        problem = check_resident_id(bag.id_number, TODAY)
        assert (problem == "check_digit") == (bag.flaw == "wrong_check_digit"), bag
        notes = " ".join(d.note for d in bag.documents)
        assert ("只有复印件" in notes) == (bag.flaw == "copy_for_original"), bag
        assert ("有效期至" in notes) == (bag.flaw == "expired_id"), bag
    for bag in bags:
        if bag.item_code == "GJ-001" and bag.flaw != "wrong_check_digit":
            old = (age_on(bag.id_number, TODAY) or 0) >= 65
            assert old == (bag.flaw != "too_young"), bag


def test_queues_take_their_departments_items() -> None:
    items = _items()
    assert {i.code.split("-")[0] for i in items_for("B", items)} == {"BDC"}
    assert len(items_for("A", items)) == len(items)


async def test_a_living_demo_packs_the_same_bags_for_the_same_seed(tmp_path: Path) -> None:
    from counter.demo import build_demo

    pytest.importorskip("central.app")
    bags = []
    for _ in range(2):
        hall = build_demo(seed=9, workdir=tmp_path, speed=100)
        sim = hall.simulator
        assert sim is not None
        try:
            await hall.start()
            for _ in range(400):
                if len(sim.bags) >= 20:
                    break
                await asyncio.sleep(0.05)
            ordered = [sim.bags[key] for key in sorted(sim.bags)[:20]]
            bags.append(ordered)
            desk = hall.desk(sorted(sim.bags)[0])
            assert desk is not None and desk.documents == ordered[0][1].documents
            # The citizen asks for the matter by its name (the trainee searches for it).
            assert desk.item == sim.items[ordered[0][1].item_code].name
        finally:
            await hall.aclose()
    assert bags[0] == bags[1]


def test_a_wronged_citizen_gives_a_poor_rating_more_often() -> None:
    from counter.demo.rating_simulator import citizen_rating

    def poor(wronged: bool) -> int:
        rng = random.Random(4)
        answers = [citizen_rating(1, rng, wronged) for _ in range(2000)]
        return sum(1 for a in answers if a is not None and a.level <= 2)

    assert poor(True) > 10 * poor(False) > 0
    assert fitting("too_young") == {"refuse"} and "accept" in fitting(None)


async def _packed(sim: Any, ticket: Any) -> None:
    """The kiosk packs a citizen's bag just after the ticket is issued: a call may come between."""
    for _ in range(1500):  # up to ~30 s on a loaded box; returns once the bag is there
        if ticket is None or ticket.id in sim.bags:
            return
        await asyncio.sleep(0.02)


async def _call(clerk: Any, sim: Any) -> Any:
    """Call at window 1 until a citizen comes (on a loaded box the colleagues may have taken
    every waiting ticket of A and F just then, while the kiosk is slow to issue more)."""
    for _ in range(1200):
        ticket = await clerk.call_next(1)
        if ticket is not None:
            await _packed(sim, ticket)
            return ticket
        await asyncio.sleep(0.05)
    return None


async def test_the_judge_reads_the_case_taken_for_a_simulated_citizen(tmp_path: Path) -> None:
    from client.case_models import Applicant, CaseRequest, ChecklistEntry
    from counter.demo import build_demo

    pytest.importorskip("central.app")
    hall = build_demo(seed=3, workdir=tmp_path, speed=100)
    sim, raters = hall.simulator, hall.raters
    assert sim is not None and raters is not None and raters.judge is not None
    clerk = hall.new_client()
    try:
        await hall.start()
        for _ in range(400):
            if len(sim.bags) >= 5:
                break
            await asyncio.sleep(0.05)
        await clerk.login("1001", "counter")
        await clerk.sign_on(1)
        ticket = await _call(clerk, sim)
        # A number with a wrong check digit is corrected at the field: not this test's citizen.
        while ticket is not None and sim.bags[ticket.id][1].flaw == "wrong_check_digit":
            await clerk.no_show(ticket.id)
            ticket = await _call(clerk, sim)
        assert ticket is not None and ticket.id in sim.bags
        await clerk.start(ticket.id)
        assert await raters.judge(ticket.id) is False  # no case yet: nothing to hold against
        bag = sim.bags[ticket.id][1]
        wrong = "refuse" if "refuse" not in fitting(bag.flaw) else "notice"
        item = await clerk.catalog_item(bag.item_code)
        applicant = Applicant(
            kind="person", name=bag.name, id_kind="resident_id", id_number=bag.id_number
        )
        request = CaseRequest(
            item_code=bag.item_code,
            applicant=applicant,
            checklist=[ChecklistEntry(material=m.name, state="missing") for m in item.materials],
            decision=wrong,
            ticket_id=ticket.id,
            window_no=1,
            refuse_reason="不属于本窗口" if wrong == "refuse" else None,
            refer_to="别处" if wrong == "refuse" else None,
        )
        await clerk.create_case(request)
        assert await raters.judge(ticket.id) is True  # decided against the rules
    finally:
        await clerk.aclose()
        await hall.aclose()
