"""Simulated citizens as a morning brings them: how many arrive at each hour (a day curve with a
morning peak and a lunch dip), and the bag of papers each hands over at the window, with the
flaws a trainee must catch (a copy for an original, an expired ID card, a missing 容缺-able
material, an ID number with a wrong check digit, a citizen under 65 asking for the senior card).

Pure functions of a seeded Random: the same seed gives the same citizens and bags.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from client.catalog_models import CatalogItem
from client.validators import resident_id_check_char
from counter.core.desk import DeskDocument

# (hour from, hour to, arrivals relative to the day's mean): doors at 9, a morning peak, the
# lunch dip, a steady afternoon, a thin last hour.
DAY_CURVE: tuple[tuple[float, float, float], ...] = (
    (0.0, 9.0, 0.3),
    (9.0, 9.5, 1.2),
    (9.5, 11.0, 1.7),
    (11.0, 11.75, 1.1),
    (11.75, 13.75, 0.4),
    (13.75, 16.0, 1.1),
    (16.0, 17.0, 0.7),
    (17.0, 24.0, 0.2),
)
# Queue prefix → the departments whose items it takes (the general intake takes any).
QUEUE_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "B": ("BDC",),
    "C": ("RS", "YB"),
    "D": ("GJJ",),
    "E": ("SW",),
}
FLAWS = ("copy_for_original", "expired_id", "missing_tolerable", "wrong_check_digit", "too_young")
# Most citizens bring everything right.
FLAW_P = 0.45
FORMS = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件+复印件",
    "electronic": "电子",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("秀英", "建国", "丽", "志强", "桂兰", "海涛", "芳", "明", "淑珍", "伟", "春梅", "国庆")


def day_factor(hour: float) -> float:
    """Arrivals at this hall-local hour, relative to the day's mean."""
    for start, end, factor in DAY_CURVE:
        if start <= hour < end:
            return factor
    return DAY_CURVE[-1][2]


@dataclass(frozen=True)
class Bag:
    """One simulated citizen at the window: who, for which item, and what they hand over."""

    name: str
    item_code: str
    id_number: str
    documents: tuple[DeskDocument, ...]
    flaw: str | None  # one of FLAWS, or None: everything in order
    visits: int = 1  # the third: turned away twice before (counter.demo.desk_work)
    says: str = ""  # what they say at the window (a returning citizen)
    # The same words as a catalog key under training.desk.said (and the item they name), so
    # an English terminal says them in English; `says` stays the Chinese the simulation keeps.
    says_key: str = ""
    says_item: str = ""

    @property
    def mobile(self) -> str:
        """A mobile number of theirs (from the ID's digits: no extra draw)."""
        return "13" + self.id_number[6:15]


def _resident_id(rng: random.Random, born: date) -> str:
    first17 = f"110105{born:%Y%m%d}{rng.randint(100, 999)}"
    return first17 + resident_id_check_char(first17)


def items_for(queue: str, items: list[CatalogItem]) -> list[CatalogItem]:
    departments = QUEUE_DEPARTMENTS.get(queue)
    if departments is None:
        return list(items)
    return [item for item in items if item.code.split("-")[0] in departments]


def bag_for(item: CatalogItem, rng: random.Random, today: date) -> Bag:
    """What a citizen asking for `item` hands over: everything required, or with one flaw."""
    flaw: str | None = rng.choice(FLAWS) if rng.random() < FLAW_P else None
    tolerable = [m for m in item.materials if m.required and m.tolerable]
    if flaw == "missing_tolerable" and not tolerable:
        flaw = "copy_for_original"
    if flaw == "too_young" and item.min_age is None:
        flaw = "wrong_check_digit"
    age = rng.randint(item.min_age or 22, (item.min_age or 22) + 20)
    if flaw == "too_young":
        age = rng.randint(50, (item.min_age or 65) - 2)
    born = today - timedelta(days=365 * age + rng.randint(30, 330))
    id_number = _resident_id(rng, born)
    if flaw == "wrong_check_digit":
        wrong = "0123456789X".replace(id_number[-1], "")
        id_number = id_number[:-1] + rng.choice(wrong)
    missing = rng.choice(tolerable).name if flaw == "missing_tolerable" else None
    originals = [m for m in item.materials if m.required and m.form != "copy"]
    copied = rng.choice(originals).name if flaw == "copy_for_original" and originals else None
    documents = []
    for material in item.materials:
        if not material.required or material.name == missing:
            continue
        if material.name == copied:
            documents.append(DeskDocument(material.name, "复印件", "只有复印件", "copy_only"))
        else:
            documents.append(DeskDocument(material.name, FORMS[material.form]))
    if flaw == "expired_id":
        expired = today - timedelta(days=rng.randint(20, 400))
        until = expired.isoformat()
        id_card = DeskDocument("居民身份证", "原件", f"有效期至 {until}", "valid_until", until)
        documents.insert(0, id_card)
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    return Bag(name, item.code, id_number, tuple(documents), flaw)


def complete_documents(item: CatalogItem) -> tuple[DeskDocument, ...]:
    """Every required paper in the form the guide asks for (a citizen who came back with all)."""
    return tuple(DeskDocument(m.name, FORMS[m.form]) for m in item.materials if m.required)


def fitting(flaw: str | None) -> frozenset[str]:
    """The decisions the rules allow for a bag with this flaw (a wrong one: the citizen is
    turned away for nothing, or a flawed application is taken)."""
    if flaw is None or flaw == "wrong_check_digit":  # the number corrected at the field
        return frozenset({"accept"})
    if flaw == "missing_tolerable":
        return frozenset({"tolerate", "notice"})
    if flaw == "too_young":
        return frozenset({"refuse"})
    return frozenset({"notice", "tolerate"})  # a copy for an original, an expired ID card
