"""Simulated colleagues' handling times: a spread per queue and item, with the day's pace."""

from __future__ import annotations

import random
import statistics

from client.catalog_models import CatalogItem
from counter.demo.handling import BOUNDS_MIN, handling_seconds, median_minutes


def _item(kind: str, required: int) -> CatalogItem:
    materials = [
        {"name": f"材料{i}", "form": "original", "copies": 1, "required": True}
        for i in range(required)
    ]
    return CatalogItem.model_validate(
        {
            "code": "T-1",
            "name": "测试事项",
            "department": "T",
            "department_name": "测试",
            "kind": kind,
            "promised_days": 5 if kind == "promised" else None,
            "materials": materials,
        }
    )


def _minutes(queue: str, seed: int = 4, n: int = 2000, **how: object) -> list[float]:
    rng = random.Random(seed)
    return [handling_seconds(queue, rng, **how) / 60 for _ in range(n)]  # type: ignore[arg-type]


def test_a_spread_not_a_constant_with_a_long_tail() -> None:
    drawn = _minutes("A")
    median = statistics.median(drawn)
    assert 5.0 < median < 7.0
    assert statistics.stdev(drawn) > 0.3 * median  # services differ
    assert statistics.mean(drawn) > median  # a tail of hard cases
    low, high = BOUNDS_MIN
    assert low <= min(drawn) and max(drawn) <= high


def test_each_queue_has_its_own_pace() -> None:
    medians = {q: statistics.median(_minutes(q)) for q in ("A", "B", "F")}
    assert medians["F"] < medians["A"] < medians["B"]  # collecting < intake < property


def test_a_promised_item_with_many_papers_takes_longer_than_an_instant_one() -> None:
    instant, promised = _item("instant", 2), _item("promised", 8)
    assert median_minutes("A", promised) > 1.5 * median_minutes("A", instant)
    assert median_minutes("A", instant, flawed=True) > median_minutes("A", instant)


def test_the_morning_peak_is_brisker_than_lunch() -> None:
    peak = statistics.median(_minutes("A", hour=10.0))
    lunch = statistics.median(_minutes("A", hour=12.5))
    assert peak < lunch


def test_the_same_seed_the_same_times() -> None:
    assert _minutes("C", seed=9, n=50) == _minutes("C", seed=9, n=50)
    assert _minutes("C", seed=9, n=50) != _minutes("C", seed=10, n=50)
