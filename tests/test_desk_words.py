"""The training words in the terminal's language: on the "documents on the desk", the forms a
paper comes in, the notes the simulation writes and a returning citizen's words go through the
catalog (zh and en), while the material names are the catalog's data and stay as they are; the
trainee report counts one citizen in the singular."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from central.catalog import load_catalog
from client.catalog_models import CatalogItem
from counter.core import i18n
from counter.core.desk import Desk
from counter.core.trainee_report import CaseResult, TraineeReport, render_text
from counter.demo.citizens import Bag, bag_for
from counter.demo.classroom import said_in_english
from counter.demo.desk_work import next_visit
from counter.demo.hall import said
from counter.demo.scenario import load
from screens.intake.desk import desk_text

TODAY = date(2026, 11, 30)
CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\uff1a\uff1b]")


@pytest.fixture
def lang() -> Iterator[None]:
    before = i18n.current_language()
    yield
    i18n.set_language(before)


def _bags() -> list[tuple[CatalogItem, Bag]]:
    items = list(load_catalog().items)
    out = []
    for n in range(200):
        item = random.Random(n).choice(items)
        out.append((item, bag_for(item, random.Random(n), TODAY)))
    return out


def _desk(bag: Bag, says: str = "") -> Desk:
    return Desk(bag.name, "A001", says or bag.says, bag.documents, item=bag.item_code)


def _without_data(text: str, bag: Bag) -> str:
    """The desk's words with the data taken out: the citizen's name and the material names."""
    for name in sorted({d.material for d in bag.documents}, key=len, reverse=True):
        text = text.replace(name, "")
    return text.replace(bag.name, "")


def test_in_english_the_desk_says_forms_and_notes_in_english(lang: None) -> None:
    i18n.set_language("en")
    bags = _bags()
    flaws = {bag.flaw for _, bag in bags}
    assert {"copy_for_original", "expired_id"} <= flaws
    for _, bag in bags:
        text = desk_text(_desk(bag)).plain
        assert not CJK.search(_without_data(text, bag)), text
        if bag.flaw == "copy_for_original":
            assert "(copy: only a copy)" in text, text
        if bag.flaw == "expired_id":
            assert re.search(r"\(original: valid until \d{4}-\d\d-\d\d\)", text), text
    copied = next(bag for _, bag in bags if bag.flaw == "copy_for_original")
    assert copied.documents[0].material in desk_text(_desk(copied)).plain  # the data as it is


def test_in_chinese_the_desk_keeps_its_words(lang: None) -> None:
    i18n.set_language("zh")
    bags = _bags()
    copied = next(bag for _, bag in bags if bag.flaw == "copy_for_original")
    expired = next(bag for _, bag in bags if bag.flaw == "expired_id")
    assert "（复印件：只有复印件）" in desk_text(_desk(copied)).plain
    assert re.search(r"居民身份证（原件：有效期至 \d{4}-", desk_text(_desk(expired)).plain)


def test_a_returning_citizen_speaks_the_terminal_s_language(lang: None) -> None:
    item, bag = next((i, b) for i, b in _bags() if b.flaw == "copy_for_original")
    second = next_visit(replace(bag, flaw="copy_for_original"), item, random.Random(1), 1)
    third = next_visit(second, item, random.Random(1), 2)
    i18n.set_language("en")
    assert said(second).startswith("Last time I was told papers were missing")
    assert said(third) == said_in_english(third)
    assert said(third).startswith(f"{item.name}: this is my third trip")
    assert not CJK.search(
        _without_data(desk_text(_desk(third, said(third))).plain, third).replace(item.name, "")
    )
    i18n.set_language("zh")
    assert said(second) == second.says and said(third) == third.says
    assert "第三趟" in said(third)


def test_a_scenario_author_s_note_has_its_english(lang: None) -> None:
    scenario = load("bus-card-copy")
    citizen = scenario.citizens[0]
    desk = Desk(citizen.name, "A001", "", citizen.documents)
    i18n.set_language("en")
    assert "(copy: only a copy, no original)" in desk_text(desk).plain
    i18n.set_language("zh")
    assert "（复印件：只有复印件，没有原件）" in desk_text(desk).plain


def test_the_report_counts_one_citizen_in_the_singular(lang: None) -> None:
    def case(index: int) -> CaseResult:
        return CaseResult(index, "王秀英", f"A00{index}", "GJ-001", "notice", "notice")

    one = TraineeReport("bus-card-copy", "Copy", [case(1)])
    two = TraineeReport("bus-card-copy", "Copy", [case(1), case(2)])
    i18n.set_language("en")
    assert re.search(r"over 1 citizen$", render_text(one), re.M), render_text(one)
    assert re.search(r"over 2 citizens$", render_text(two), re.M), render_text(two)
    i18n.set_language("zh")
    assert "共 1 位群众" in render_text(one) and "共 2 位群众" in render_text(two)
