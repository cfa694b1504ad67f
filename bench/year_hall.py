"""The hall of bench/year.py: the demo hall grown to 55 windows, and how its days go.

The demo's accounts stay as they are (clerk 1001, supervisor 2001, kiosk01, pad01, password
`counter`); windows 17–55 repeat the demo's sixteen in turn, each with its own clerk 1017–1055
(and 1015, 1016 for the demo's two windows without one).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from central.hall_seed import HallSeed, SeedStaff, load_hall
from central.hall_time import HALL_TZ

WINDOWS = 55
TICKETS_PER_DAY = 10_000
# Share of the day's tickets per queue (the general windows' A queue takes most: 1.2 M cases
# a year come from about 4,800 intakes a working day).
QUEUE_SHARE = {"A": 0.50, "B": 0.13, "C": 0.13, "D": 0.08, "E": 0.08, "F": 0.08}
CITIZEN_RATINGS_PER_YEAR = 38_000
ESCALATIONS_PER_YEAR = 2_000
LEVEL_WEIGHTS = {5: 80, 4: 11, 3: 4.5, 2: 2.8, 1: 1.7}  # about 4.5 % 差评
DECISION_WEIGHTS = {"accept": 78, "tolerate": 7, "notice": 12, "refuse": 3}
STATUS_WEIGHTS = {"done": 95.5, "missed": 3.5, "cancelled": 1.0}


def year_hall() -> HallSeed:
    """The demo hall with 55 windows, each general or departmental like the demo's."""
    seed = load_hall("demo")
    base = list(seed.windows)
    clerks = {s.window for s in seed.staff if s.role == "clerk"}
    staff = list(seed.staff)
    windows = list(base)
    for no in range(len(base) + 1, WINDOWS + 1):
        like = base[(no - 1) % len(base)]
        name = like.name.rsplit(" ", 1)[0] if like.name[-1].isdigit() else like.name
        windows.append(replace(like, no=no, name=f"{name} {no}"))
    for window in windows:
        if window.no not in clerks:
            staff.append(
                SeedStaff(
                    staff_no=f"{1000 + window.no}",
                    name=f"窗口{window.no}柜员",
                    role="clerk",
                    department=window.department or "zwfw",
                    window=window.no,
                    password="counter",
                )
            )
    queues = [replace(q, daily_cap=9999) for q in seed.queues]
    return replace(seed, windows=windows, staff=staff, queues=queues)


@dataclass
class DayPlan:
    """The tickets of one working day: per ticket its queue, window, status and times."""

    day: date
    rows: list[dict[str, object]] = field(default_factory=list)


def local(day: date, minutes: float) -> datetime:
    """Minutes after midnight of a hall-local day, as aware UTC."""
    start = datetime.combine(day, time(0), tzinfo=HALL_TZ)
    return (start + timedelta(minutes=minutes)).astimezone(timezone.utc)


def pick(rng: random.Random, weights: dict[str, float] | dict[int, float]) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]
