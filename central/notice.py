"""Read the State Council's holiday notice (国务院办公厅关于20XX年部分节假日安排的通知) as
published, and write the holiday file central.calendar reads (`counter calendar import`).

The notice's numbered lines say each holiday in one stable form:

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。…
    一、元旦：1月1日（周三）放假1天，不调休。

Every numbered line must be read whole, or the notice is refused naming the line: a day's
weekday in brackets must be that date's weekday, "共N天" must be the range's length, and each
working day must be a Saturday or Sunday. Lines without a number (the greeting, the closing
words, the signature) are not the schedule and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKDAYS = "一二三四五六日"
_TITLE = re.compile(r"关于\s*(\d{4})\s*年部分节假日安排的通知")
_ITEM = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*(?P<name>[^：:]+)[：:](?P<body>.+)$")
# A day: [YYYY年]M月D日 or D日 (month of the day before), then （…周X…）.
_DAY = (
    r"(?:(?P<{p}y>\d{{4}})年)?(?:(?P<{p}m>\d{{1,2}})月)?(?P<{p}d>\d{{1,2}})日"
    r"[（(](?P<{p}note>[^）)]*)[）)]"
)
_OFF = re.compile(
    "^" + _DAY.format(p="a") + "(?:至" + _DAY.format(p="b") + ")?"
    r"放假(?:调休)?(?:[，,]?共(?P<n>\d+)天|(?P<one>1)天[，,]不调休)$"
)
_WORK_DAY = re.compile("^" + _DAY.format(p="a") + "$")


class NoticeError(ValueError):
    """A notice that cannot be read fully; the message names the line."""


@dataclass
class Holiday:
    name: str
    off: list[date]
    working: list[date]


@dataclass
class Notice:
    year: int
    title: str
    holidays: list[Holiday] = field(default_factory=list)

    def days(self) -> list[tuple[date, str]]:
        """Every day the notice names, in date order: (day, "off" | "working")."""
        found = [(d, "off") for h in self.holidays for d in h.off]
        found += [(d, "working") for h in self.holidays for d in h.working]
        return sorted(found)


def _fail(number: int, line: str, why: str) -> NoticeError:
    return NoticeError(f"line {number}: {why}: {line.strip()}")


def _day(m: re.Match[str], p: str, year: int, month: int | None, where: tuple[int, str]) -> date:
    y = int(m[f"{p}y"]) if m[f"{p}y"] else year
    mo = int(m[f"{p}m"]) if m[f"{p}m"] else month
    if mo is None:
        raise _fail(*where, "a day without its month")
    try:
        day = date(y, mo, int(m[f"{p}d"]))
    except ValueError:
        raise _fail(*where, f"{y}-{mo}-{m[p + 'd']} is not a date") from None
    said = re.search(r"(?:周|星期)([一二三四五六日天])", m[f"{p}note"] or "")
    if said is None:
        raise _fail(*where, f"{day} has no weekday in brackets to check it by")
    weekday = WEEKDAYS.index("日" if said[1] == "天" else said[1])
    if weekday != day.weekday():
        raise _fail(*where, f"{day} is a 周{WEEKDAYS[day.weekday()]}, not a 周{said[1]}")
    return day


def _holiday(name: str, body: str, year: int, where: tuple[int, str]) -> Holiday:
    sentences = [s.strip() for s in re.split(r"[。；;]", body) if s.strip()]
    if not sentences:
        raise _fail(*where, "no days in it")
    off = _OFF.match(sentences[0])
    if off is None:
        raise _fail(*where, "the days off are not in the notice's form")
    first = _day(off, "a", year, None, where)
    last = _day(off, "b", first.year, first.month, where) if off["bd"] else first
    if last < first:
        raise _fail(*where, "the days off end before they start")
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    said = int(off["n"] or off["one"])
    if said != len(days):
        raise _fail(*where, f"共{said}天 but {first} to {last} is {len(days)} days")
    working: list[date] = []
    for sentence in sentences[1:]:
        if not sentence.endswith("上班"):
            raise _fail(*where, f"cannot read {sentence!r}")
        month: int | None = None
        for part in re.split(r"[、，,]", sentence[: -len("上班")]):
            m = _WORK_DAY.match(part.strip())
            if m is None:
                raise _fail(*where, f"cannot read the working day {part.strip()!r}")
            day = _day(m, "a", year, month, where)
            if day.weekday() < 5:
                raise _fail(*where, f"{day} is a weekday; a make-up working day is a weekend day")
            month = day.month
            working.append(day)
    return Holiday(name.strip(), days, working)


def parse_notice(text: str) -> Notice:
    """The notice's schedule; NoticeError naming the line when it cannot be read fully."""
    lines = text.splitlines()
    title = next(((i, m) for i, line in enumerate(lines, 1) if (m := _TITLE.search(line))), None)
    if title is None:
        raise NoticeError(
            "line 1: no title 国务院办公厅关于20XX年部分节假日安排的通知 to take the year from"
        )
    number, found = title
    notice = Notice(int(found[1]), lines[number - 1].strip())
    for i, raw in enumerate(lines, 1):
        line = raw.strip().replace("\u3000", "")
        item = _ITEM.match(line)
        if item is None:
            continue
        notice.holidays.append(_holiday(item["name"], item["body"], notice.year, (i, raw)))
    if not notice.holidays:
        raise NoticeError(f"line {number}: the notice lists no holidays (一、元旦：… lines)")
    seen: dict[date, int] = {}
    for day, _kind in notice.days():
        seen[day] = seen.get(day, 0) + 1
        if seen[day] > 1:
            raise NoticeError(f"{day} is named twice in the notice")
    return notice


def _span(days: list[date]) -> str:
    return f'"{days[0]}"' if len(days) == 1 else f'"{days[0]}..{days[-1]}"'


def holiday_file(notice: Notice) -> str:
    """The holiday file (TOML, see central.calendar) for the notice's year. Days of another
    year (a 元旦 that starts in December) are left out: a file holds one year."""

    def mine(days: list[date]) -> list[date]:
        return [d for d in days if d.year == notice.year]

    holidays = [_span(mine(h.off)) for h in notice.holidays if mine(h.off)]
    workdays = [f'"{d}"' for h in notice.holidays for d in mine(h.working)]
    return "\n".join(
        [
            "# Written by `counter calendar import` from the notice; check it against the notice.",
            f"year = {notice.year}",
            f'source = "{notice.title}"',
            f"holidays = [{', '.join(holidays)}]",
            f"workdays = [{', '.join(sorted(workdays))}]",
            "",
        ]
    )
