"""Identifier checks done at the keyboard, before anything reaches the back office.

Pure functions, standard library only: the intake screen calls them on every keystroke.
Each check answers None when the value is valid, else a reason code (`IdProblem`) that the
UI translates; `PROBLEM_TEXT` gives a plain English sentence for each code as a fallback.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Final, Literal

from client.hall_time import hall_today

IdProblem = Literal["empty", "length", "chars", "format", "birth_date", "region", "check_digit"]

PROBLEM_TEXT: Final[dict[IdProblem, str]] = {
    "empty": "Nothing entered.",
    "length": "Wrong number of characters.",
    "chars": "Contains characters this number never has.",
    "format": "Does not have the layout of this kind of document.",
    "birth_date": "The birth date in the number is not a real date, or lies in the future.",
    "region": "The region code in the number does not exist.",
    "check_digit": "The check character does not match: a character was mistyped.",
}

# The kinds of identity document a hall accepts (有效身份证件).
IdKind = Literal[
    "resident_id",
    "hk_macao_permit",
    "taiwan_permit",
    "passport",
    "foreign_permanent_residence",
    "hmt_residence_permit",
]

ID_KIND_NAMES: Final[dict[IdKind, str]] = {
    "resident_id": "居民身份证",
    "hk_macao_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "passport": "护照",
    "foreign_permanent_residence": "外国人永久居留身份证",
    "hmt_residence_permit": "港澳台居民居住证",
}

# Age from which a citizen gets the senior benefits (green channel, free bus pass).
SENIOR_AGE: Final = 65

# --- 居民身份证, GB 11643-1999 -------------------------------------------------------------

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"
# First two digits of the administrative division code (GB/T 2260), plus 81/82/83 used by
# the residence permits of Hong Kong, Macao and Taiwan residents.
_PROVINCES: Final = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65", "71", "81", "82", "83"),
    }
)
_HMT_PREFIXES: Final = frozenset({"810000", "820000", "830000"})
_EARLIEST_BIRTH: Final = date(1900, 1, 1)


def normalise_id(s: str) -> str:
    """An ID number or credit code as checked, stored and looked up: no spaces, upper case.
    Clerks type a lower-case x and stray spaces; neither is a different number."""
    return "".join(s.split()).upper()


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 digits")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _birth_date(digits8: str) -> date | None:
    try:
        return date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


def check_resident_id(s: str, today: date | None = None) -> IdProblem | None:
    """Check a 居民身份证 number; None when valid. `today` defaults to the hall's today."""
    n = normalise_id(s)
    if not n:
        return "empty"
    if len(n) != 18:
        return "length"
    if not (n[:17].isascii() and n[:17].isdigit()) or n[17] not in "0123456789X":
        return "chars"
    if n[:2] not in _PROVINCES or n[:6] == "000000":
        return "region"
    born = _birth_date(n[6:14])
    if born is None or born < _EARLIEST_BIRTH or born > (today or hall_today()):
        return "birth_date"
    if resident_id_check_char(n[:17]) != n[17]:
        return "check_digit"
    return None


def birth_date_of(id_number: str) -> date | None:
    """The birth date written in an 18-digit resident ID (or residence permit) number."""
    n = normalise_id(id_number)
    if len(n) != 18 or not (n[:14].isascii() and n[:14].isdigit()):
        return None
    return _birth_date(n[6:14])


def age_on(id_number: str, on: date) -> int | None:
    """Full years of age (周岁) on a day, from the ID number; None when it has no birth date."""
    born = birth_date_of(id_number)
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --- 统一社会信用代码, GB 32100-2015 -----------------------------------------------------------

USCC_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE: Final = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise ValueError("need exactly 17 characters of the credit-code alphabet")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(s: str) -> IdProblem | None:
    """Check a 统一社会信用代码; None when valid."""
    n = normalise_id(s)
    if not n:
        return "empty"
    if len(n) != 18:
        return "length"
    if any(c not in _USCC_VALUE for c in n):
        return "chars"
    # Characters 3–8 are the administrative division code of the registering authority.
    if not n[2:8].isdigit() or n[2:8] == "000000":
        return "region"
    if uscc_check_char(n[:17]) != n[17]:
        return "check_digit"
    return None


# --- mobile numbers and other documents ---------------------------------------------------

_MOBILE: Final = re.compile(r"1[3-9]\d{9}", re.ASCII)


def check_mobile(s: str) -> IdProblem | None:
    """A mainland mobile number: 11 digits starting 13–19. Spaces and dashes are tolerated."""
    n = re.sub(r"[\s-]", "", s)
    if n.startswith("+86"):
        n = n[3:]
    if not n:
        return "empty"
    if not (n.isascii() and n.isdigit()):
        return "chars"
    if len(n) != 11:
        return "length"
    return None if _MOBILE.fullmatch(n) else "format"


_OTHER_FORMATS: Final[dict[IdKind, re.Pattern[str]]] = {
    # 回乡证: H (Hong Kong) or M (Macao), 8 digits, optionally the 2-digit issue count.
    "hk_macao_permit": re.compile(r"[HM]\d{8}(\d{2})?", re.ASCII),
    # 台胞证: 8 digits since 2015; older booklets had 10.
    "taiwan_permit": re.compile(r"\d{8}|\d{10}", re.ASCII),
    # Chinese and foreign passports: letters and digits, at least one digit.
    "passport": re.compile(r"(?=[A-Z]*\d)[A-Z0-9]{5,17}", re.ASCII),
    # 2004 card: 3-letter nationality + 12 digits; the 2023 card is checked below.
    "foreign_permanent_residence": re.compile(r"[A-Z]{3}\d{12}", re.ASCII),
}


def check_other_id(kind: IdKind, s: str) -> IdProblem | None:
    """Check a document number of the given kind; the 18-digit ones carry the GB 11643 check."""
    n = normalise_id(s)
    if not n:
        return "empty"
    if kind == "resident_id":
        return check_resident_id(n)
    if kind == "hmt_residence_permit":
        problem = check_resident_id(n)
        if problem is None and n[:6] not in _HMT_PREFIXES:
            return "region"
        return problem
    if kind == "foreign_permanent_residence" and len(n) == 18:
        # The 2023 card: '9', province, 3-digit nationality, birth date, serial, check.
        if not (n[:17].isascii() and n[:17].isdigit()) or n[17] not in "0123456789X":
            return "chars"
        if n[0] != "9":
            return "format"
        if _birth_date(n[6:14]) is None:
            return "birth_date"
        return None if resident_id_check_char(n[:17]) == n[17] else "check_digit"
    if not n.isascii() or not n.isalnum():
        return "chars"
    return None if _OTHER_FORMATS[kind].fullmatch(n) else "format"


def mask_id(s: str) -> str:
    """Mask an ID number for receipts and screens: `110105********002X`.

    Keeps the first 6 and last 4 characters of long numbers; short document numbers keep
    only their first and last 2 so that something is always hidden.
    """
    n = "".join(s.split())
    if len(n) >= 15:
        head, tail = 6, 4
    elif len(n) > 4:
        head, tail = 2, 2
    else:
        return "*" * len(n)
    return n[:head] + "*" * (len(n) - head - tail) + n[-tail:]


def mask_phone(phone: str) -> str:
    """Mask a phone number for receipts and the audit trail: `138****8000`.

    Digits only (a `+86`, dashes and spaces are not part of the number). A mobile or a landline
    with its area code keeps its first 3 and last 4 digits: enough to tell two apart and for
    the citizen to recognise their own, not enough to dial. A shorter number is masked like a
    short document number, so something is always hidden.
    """
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return mask_id(digits)


# --- required text -------------------------------------------------------------------------

# Characters that draw nothing although Unicode does not class them as control or format:
# Hangul fillers, the braille blank, the Mongolian vowel separator.
_BLANK_LOOKING: Final = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def visible(value: str) -> str:
    """The text a screen or a printed notice will show: without control characters, format
    characters (zero-width spaces and joiners, direction marks …), blank-looking fillers and
    surrounding white space. Required text must leave something here."""
    kept = "".join(
        ch
        for ch in value
        if ch not in _BLANK_LOOKING
        and (ch in "\t\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    )
    return kept.strip()


def is_blank(value: str) -> bool:
    """True when `value` would show as nothing at all (see `visible`)."""
    return not visible(value)
