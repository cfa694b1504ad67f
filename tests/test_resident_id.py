"""Birthplace and age read from a resident ID number (issue 9, item 15)."""

from __future__ import annotations

from datetime import date
from typing import Any

from client.validators import resident_id_check_char
from counter.core.resident_id import read_resident_id

TODAY = date(2026, 11, 17)


def valid(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


def test_a_beijing_card_says_chaoyang_and_the_age() -> None:
    facts = read_resident_id("11010519491231002x", TODAY)  # a lower-case x is the same number
    assert facts is not None
    assert (facts.province, facts.county) == ("北京市", "朝阳区")
    assert facts.born == date(1949, 12, 31) and facts.age == 76
    assert facts.region_known


def test_a_county_is_read_as_it_was_in_the_birth_year() -> None:
    # 110103 was 崇文区 until it merged into 东城区 in 2010: a card from 1980 still carries it.
    facts = read_resident_id(valid("11010319800101001"), TODAY)
    assert facts is not None and facts.county == "崇文区"


def test_an_unknown_region_is_a_warning_not_a_refusal() -> None:
    facts = read_resident_id(valid("11019919800101001"), TODAY)
    assert facts is not None
    assert not facts.region_known and facts.county is None
    assert facts.age == 46


def test_nothing_is_read_from_a_wrong_number() -> None:
    assert read_resident_id("110105194912310021", TODAY) is None  # check character
    assert read_resident_id("1101051949", TODAY) is None


async def test_the_applicant_field_shows_birthplace_and_age(
    terminal_client: Any, make_client: Any, clock: Any
) -> None:
    from textual.widgets import Static

    from tests.pilot import SIZE, build, choose_item, open_the_intake, sign_in, until

    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        screen = await open_the_intake(pilot, app)
        await choose_item(pilot, screen, "BDC-002", "BDC-002")
        facts = screen.query_one("#id-facts", Static)
        await pilot.press(*"张三", "tab", "tab", *"11010519491231002x")
        await until(pilot, lambda: "朝阳区" in str(facts.render()), "the birthplace")
        assert "76" in str(facts.render()) and facts.display
        assert not facts.has_class("-warning")
        for _ in range(18):
            await pilot.press("backspace")
        await pilot.press(*valid("11019919800101001"))
        await until(pilot, lambda: facts.has_class("-warning"), "the warning")
        assert "110199" in str(facts.render())
        # A warning, not a refusal: Enter goes on to the mobile number field as usual.
        assert not screen.query_one("#error-id_number", Static).display
