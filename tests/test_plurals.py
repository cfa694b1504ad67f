"""English says "1 item", "2 items", never "item(s)" (issue 9, item 9: wrong plurals and
"(s)" read like a toy); Chinese has one form. A count's sentence is asked for with `tn`."""

from __future__ import annotations

import re

import pytest

from counter.core.i18n import catalog, set_language, tn

COUNTED = [
    ("intake.checklist.earlier", {"case_no": "N", "date": "D"}, "item"),
    ("intake.decide.will_list", {}, "item"),
    ("intake.decide.unchecked", {}, "material"),
    ("intake.drafts.announce", {}, "unfinished intake"),
    ("intake.search.materials", {"required": 1}, "material"),
    ("intake.search.days", {}, "working day"),
    ("intake.decide.due", {"date": "D"}, "working day"),
    ("intake.decide.due_unknown", {}, "working day"),
    ("ratings.working_days", {}, "working day"),
]


def test_no_english_sentence_says_s_in_brackets() -> None:
    toy = {key: text for key, text in catalog("en").items() if re.search(r"\w\(s\)", text)}
    assert not toy, toy


@pytest.mark.parametrize(("key", "args", "noun"), COUNTED)
def test_one_and_many_in_english(key: str, args: dict[str, object], noun: str) -> None:
    set_language("en")
    assert re.search(rf"\b1 {noun}\b(?!s)", tn(key, 1, **args)), tn(key, 1, **args)
    assert f"2 {noun}s" in tn(key, 2, **args)
    assert f"0 {noun}s" in tn(key, 0, **args)


@pytest.mark.parametrize(("key", "args", "noun"), COUNTED)
def test_chinese_counts_read_the_same_for_one_and_many(
    key: str, args: dict[str, object], noun: str
) -> None:
    set_language("zh")
    assert tn(key, 1, **args).replace("1", "2", 1) == tn(key, 2, **args)
