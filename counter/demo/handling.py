"""How long a simulated colleague keeps a citizen at the window.

Not a constant: a log-normal spread around a median per queue (most services near it, a long
tail of hard ones), longer for a promised item (承诺件) than one done on the spot (即办件), a
little longer per required material to check, longer when the papers have a flaw to explain,
and brisker in the morning peak than in the quiet hours (the day curve).

Pure functions of a seeded Random: the same seed, the same handling times.
"""

from __future__ import annotations

import math
import random

from client.catalog_models import CatalogItem

# Median minutes per queue prefix of the demo hall: an intake at the general window takes a
# few minutes, property registration longest, collecting a licence a minute or two.
QUEUE_MEDIAN_MIN: dict[str, float] = {
    "A": 6.0,  # 综合受理
    "B": 10.0,  # 不动产登记
    "C": 4.5,  # 社保医保
    "D": 5.0,  # 公积金
    "E": 7.0,  # 税务
    "F": 1.5,  # 出件领证
}
DEFAULT_MEDIAN_MIN = 5.0
SPREAD = 0.45  # σ of the log: about two in three services within ×0.64–×1.57 of the median
BOUNDS_MIN = (0.5, 40.0)
PROMISED_FACTOR = 1.25
INSTANT_FACTOR = 0.85
PER_MATERIAL = 0.04  # each required material beyond three
FLAW_FACTOR = 1.2
# (hour from, hour to, pace): a queue out the door makes a clerk brisker; lunch and the
# last hour are slower.
PACE: tuple[tuple[float, float, float], ...] = (
    (9.0, 11.5, 0.85),
    (11.5, 14.0, 1.1),
    (14.0, 16.5, 0.95),
    (16.5, 24.0, 1.1),
)


def pace(hour: float) -> float:
    for start, end, factor in PACE:
        if start <= hour < end:
            return factor
    return 1.0


def median_minutes(
    queue: str, item: CatalogItem | None = None, flawed: bool = False, hour: float | None = None
) -> float:
    median = QUEUE_MEDIAN_MIN.get(queue, DEFAULT_MEDIAN_MIN)
    if item is not None:
        median *= PROMISED_FACTOR if item.kind == "promised" else INSTANT_FACTOR
        required = sum(1 for m in item.materials if m.required)
        median *= 1 + PER_MATERIAL * max(0, required - 3)
    if flawed:
        median *= FLAW_FACTOR
    if hour is not None:
        median *= pace(hour)
    return median


def handling_seconds(
    queue: str,
    rng: random.Random,
    *,
    item: CatalogItem | None = None,
    flawed: bool = False,
    hour: float | None = None,
) -> float:
    """One service's seconds at the window, drawn from its log-normal spread."""
    median = median_minutes(queue, item, flawed, hour)
    low, high = BOUNDS_MIN
    minutes = min(high, max(low, rng.lognormvariate(math.log(median), SPREAD)))
    return minutes * 60.0
