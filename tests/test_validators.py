"""Identifier checks: GB 11643 resident IDs, GB 32100 credit codes, mobiles, other documents."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client.validators import (
    PROBLEM_TEXT,
    SENIOR_AGE,
    USCC_ALPHABET,
    age_on,
    birth_date_of,
    check_mobile,
    check_other_id,
    check_resident_id,
    check_uscc,
    is_blank,
    mask_id,
    mask_phone,
    normalise_id,
    resident_id_check_char,
    uscc_check_char,
    visible,
)

TODAY = date(2026, 11, 17)
PROVINCES = ["11", "12", "31", "35", "44", "50", "51", "61", "62", "65"]


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCES)) + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = region + born.strftime("%Y%m%d") + serial
    return first17 + resident_id_check_char(first17)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    alphabet = st.sampled_from(USCC_ALPHABET)
    head = draw(st.lists(alphabet, min_size=2, max_size=2))
    region = draw(st.from_regex(r"[1-9][0-9]{5}", fullmatch=True))
    body = draw(st.lists(alphabet, min_size=9, max_size=9))
    first17 = "".join(head) + region + "".join(body)
    return first17 + uscc_check_char(first17)


def substitutions(value: str, alphabet: str) -> list[str]:
    """Every string that differs from value in exactly one character (case changes aside)."""
    out = []
    for i, old in enumerate(value):
        for new in alphabet:
            if new.upper() != old.upper():
                out.append(value[:i] + new + value[i + 1 :])
    return out


# --- resident ID ----------------------------------------------------------------------------


def test_the_design_examples_are_valid() -> None:
    assert check_resident_id("11010519491231002X", today=TODAY) is None
    assert check_resident_id("11010519491231002x", today=TODAY) is None  # typed lower case
    assert check_resident_id(" 110105 19491231 002X ", today=TODAY) is None
    assert resident_id_check_char("11010519491231002") == "X"
    assert check_uscc("91350100M000100Y43") is None
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "empty"),
        ("11010519491231002", "length"),
        ("11010519491231002X1", "length"),
        ("1101051949123100AX", "chars"),
        ("11010519491231002Y", "chars"),
        ("000000194912310021", "region"),
        ("990105194912310021", "region"),
        ("110105194902300021", "birth_date"),  # 30 February
        ("110105202712310021", "birth_date"),  # after today
        ("110105189912310021", "birth_date"),
        ("110105194912310021", "check_digit"),
    ],
)
def test_resident_id_problems(value: str, problem: str) -> None:
    assert check_resident_id(value, today=TODAY) == problem
    assert problem in PROBLEM_TEXT


@given(resident_ids())
def test_generated_resident_ids_are_accepted(value: str) -> None:
    assert check_resident_id(value, today=TODAY) is None


@given(resident_ids())
def test_every_single_character_change_of_a_resident_id_is_rejected(value: str) -> None:
    for changed in substitutions(value, "0123456789X"):
        assert check_resident_id(changed, today=TODAY) is not None, changed


def test_every_adjacent_swap_of_a_resident_id_is_rejected() -> None:
    value = "11010519491231002X"
    for i in range(17):
        swapped = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        if swapped != value:
            assert check_resident_id(swapped, today=TODAY) is not None, swapped


def test_birth_date_and_the_senior_rule() -> None:
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert age_on("11010519491231002X", date(2026, 11, 17)) == 76
    assert birth_date_of("not a number") is None
    first17 = "35010219611118123"
    turns_65 = first17 + resident_id_check_char(first17)  # born 1961-11-18
    assert age_on(turns_65, date(2026, 11, 17)) == SENIOR_AGE - 1
    assert age_on(turns_65, date(2026, 11, 18)) == SENIOR_AGE
    leap = "35010220000229123"  # born 29 Feb 2000: a year older on 1 March in common years
    leap += resident_id_check_char(leap)
    assert age_on(leap, date(2001, 2, 28)) == 0
    assert age_on(leap, date(2001, 3, 1)) == 1


def test_masking_keeps_the_first_six_and_last_four() -> None:
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_id("H12345678") == "H1*****78"
    assert mask_id("123") == "***"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("138 0013 8000", "138****8000"),
        ("+86 138-0013-8000", "138****8000"),
        ("0591-87654321", "059*****4321"),  # a landline with its area code
        ("8765432", "87***32"),  # too short to keep 3 + 4: still something hidden
        ("12", "**"),
    ],
)
def test_a_phone_is_masked_alike_on_receipts_and_in_the_audit(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@given(st.text(alphabet="0123456789 -+", max_size=20))
def test_a_masked_phone_never_shows_every_digit(phone: str) -> None:
    digits = [ch for ch in phone if ch.isdigit()]
    if digits:
        assert "*" in mask_phone(phone)


def test_an_id_is_the_same_id_in_any_case_and_spacing() -> None:
    assert normalise_id(" 110105 19491231002x ") == "11010519491231002X"


# --- credit code ----------------------------------------------------------------------------


@given(credit_codes())
def test_generated_credit_codes_are_accepted(value: str) -> None:
    assert check_uscc(value) is None


@given(credit_codes())
def test_every_single_character_change_of_a_credit_code_is_rejected(value: str) -> None:
    # Letters outside the alphabet (I, O, S, V, Z) are rejected as 'chars' as well.
    for changed in substitutions(value, USCC_ALPHABET + "IOSVZ"):
        assert check_uscc(changed) is not None, changed


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "empty"),
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y4I", "chars"),
        ("91ABCDEFM000100Y43", "region"),
        ("91350100M000100Y44", "check_digit"),
    ],
)
def test_credit_code_problems(value: str, problem: str) -> None:
    assert check_uscc(value) == problem


# --- mobile and other documents -------------------------------------------------------------


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_numbers(value: str) -> None:
    assert check_mobile(value) is None
    assert check_mobile(f"+86 {value[:3]}-{value[3:7]}-{value[7:]}") is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [("", "empty"), ("1381234567", "length"), ("12812345678", "format"), ("1381234567a", "chars")],
)
def test_mobile_problems(value: str, problem: str) -> None:
    assert check_mobile(value) == problem


@pytest.mark.parametrize(
    ("kind", "value", "problem"),
    [
        ("hk_macao_permit", "H12345678", None),
        ("hk_macao_permit", "M1234567801", None),
        ("hk_macao_permit", "A12345678", "format"),
        ("taiwan_permit", "12345678", None),
        ("taiwan_permit", "1234567", "format"),
        ("passport", "E12345678", None),
        ("passport", "EA1234567", None),
        ("passport", "ABCDEFG", "format"),
        ("passport", "E1234567!", "chars"),
        ("foreign_permanent_residence", "USA350100801012", None),
        ("foreign_permanent_residence", "US3501008010123", "format"),
        ("hmt_residence_permit", "81000019800101001", "length"),
        ("resident_id", "11010519491231002X", None),
    ],
)
def test_other_documents(kind: str, value: str, problem: str | None) -> None:
    assert check_other_id(kind, value) == problem  # type: ignore[arg-type]


def test_residence_permits_and_the_2023_foreign_card_carry_the_check_digit() -> None:
    hk = "81000019800101001"
    hk += resident_id_check_char(hk)
    assert check_other_id("hmt_residence_permit", hk) is None
    # A valid mainland resident ID is not a residence permit.
    assert check_other_id("hmt_residence_permit", "11010519491231002X") == "region"
    card = "93584019850615001"  # 9, province 35, nationality 840, born 1985-06-15, serial
    card += resident_id_check_char(card)
    assert check_other_id("foreign_permanent_residence", card) is None
    wrong = card[:17] + ("0" if card[17] != "0" else "1")
    assert check_other_id("foreign_permanent_residence", wrong) == "check_digit"


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("王秀英", False),
        (" a ", False),
        ("\u200b\u200c\u200d\u2060\ufeff", True),  # zero-width spaces and joiners
        ("\x01\x07\x1b\x7f", True),  # control characters
        ("\u3000 \t\n", True),  # white space, the ideographic space too
        ("\u3164\u2800", True),  # a Hangul filler and the braille blank draw nothing
        ("\u200e张\u200f", False),  # direction marks around a visible character
    ],
)
def test_required_text_must_show_something(text: str, blank: bool) -> None:
    assert is_blank(text) is blank
    assert visible("\u200b 张三\x07 ") == "张三"
