"""The call announcement's words: the hall's template, digits spoken one by one, pinyin.

The central renders them (not the terminal board) so one place owns the hall's template and the
pinyin: a board on a small PC needs neither pypinyin nor the template, and the browser page and
the terminal board say exactly the same sentence.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

DEFAULT_TEMPLATE = "请{ticket}号到{window}号窗口办理"
DEFAULT_TEMPLATE_EN = "Number {ticket}, please go to window {window}."
DIGITS = "零一二三四五六七八九"
FIELDS = {"ticket", "window"}


class TemplateError(ValueError):
    pass


def check_template(template: str) -> str:
    """The template itself, or TemplateError naming what is wrong (one sentence)."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise TemplateError(f"The announcement template is malformed ({exc}).") from None
    unknown = names - FIELDS
    if unknown:
        raise TemplateError(
            "The announcement template may use only {ticket} and {window}, not "
            + ", ".join(f"{{{n}}}" for n in sorted(unknown))
            + "."
        )
    if "ticket" not in names:
        raise TemplateError("The announcement template must contain {ticket}.")
    return template


def spoken_ticket(number: str) -> str:
    """A012 → "A 零 一 二": every character on its own, digits as Chinese numerals."""
    return " ".join(DIGITS[int(c)] if c.isdigit() else c for c in number)


def cardinal(n: int) -> str:
    """A window number as said aloud: 5 → 五, 12 → 十二, 105 → 一百零五 (0 … 9999)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    parts: list[str] = []
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = (n // value) % 10
        if n < value:
            continue
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(DIGITS[digit] + unit)
    return "".join(parts)


def shown(template: str, ticket: str, window: int) -> str:
    return template.format(ticket=ticket, window=window)


def spoken(template: str, ticket: str, window: int) -> str:
    """The sentence for a speech engine: spaces around the spoken parts so none run together."""
    return _tidy(
        template.format(ticket=f" {spoken_ticket(ticket)} ", window=f" {cardinal(window)} ")
    )


def spoken_en(template: str, ticket: str, window: int) -> str:
    return _tidy(template.format(ticket=" ".join(ticket), window=window))


@lru_cache(maxsize=1024)
def pinyin(text: str) -> str:
    """Pinyin with tone numbers, one syllable per word: 请 A 零 一 → "qing3 A ling2 yi1".

    Latin letters and punctuation pass through (espeak-ng's pinyin voice spells a lone
    letter by its name). Imported here: pypinyin is a server dependency only.
    """
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)
    return _tidy(" ".join(words))


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
