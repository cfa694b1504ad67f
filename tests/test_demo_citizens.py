"""Simulated citizens: the day curve, and the bags of papers (each flaw a trainee must catch),
the same for the same seed; in a living demo, the simulated citizens' bags repeat by seed."""

from __future__ import annotations

import asyncio
import random
from datetime import date
from pathlib import Path

import pytest

from central.catalog import load_catalog
from client.catalog_models import CatalogItem
from client.validators import age_on, check_resident_id
from counter.demo.citizens import FLAWS, Bag, bag_for, day_factor, items_for

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
        finally:
            await hall.aclose()
    assert bags[0] == bags[1]
