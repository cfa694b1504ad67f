"""Working days on China's official calendar, for due dates (承诺时限) and deadlines.

The State Council publishes next year's holiday schedule (with its 调休 make-up working
weekends) each November. Known years come from the maintained `chinese_calendar` package;
a hall can load a holiday file for a year the package does not know yet. For a year with
neither, plain Monday–Friday is assumed and every date computed through it says so
(`DueDate.guessed`), so the screen can warn that the date may move.

Holiday file (TOML), one year per file:

    year = 2027
    source = "国务院办公厅关于2027年部分节假日安排的通知"   # optional, shown to supervisors
    holidays = [2027-01-01, "2027-02-06..2027-02-13"]     # days off: dates or "from..to"
    workdays = [2027-02-14]                               # make-up working Saturdays/Sundays

Dates may be TOML dates or "YYYY-MM-DD" strings; a range is "FROM..TO" or [FROM, TO].
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import chinese_calendar
import chinese_calendar.constants

from client.toml_file import TomlFileError, read_toml

_LIB_HOLIDAYS = chinese_calendar.constants.holidays
_LIB_WORKDAYS = chinese_calendar.constants.workdays

# Holiday files shipped with the server (see the README there); a hall adds its own folder.
PACKAGED_HOLIDAYS = Path(__file__).parent / "seed" / "holidays"

YearSource = Literal["file", "library", "guessed"]

# About ten years of working days: far beyond any 承诺时限; guards against a mistyped n.
_MAX_WORKING_DAYS = 3660


class HolidayFileError(ValueError):
    """A holiday file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class DueDate:
    date: date
    guessed: bool = False
    guessed_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class HolidayYear:
    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str = ""


def _library_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.constants.holidays)


class WorkCalendar:
    """Which days the hall works, and what date lies N working days after another."""

    def __init__(self, holiday_files: Iterable[Path | str] = ()) -> None:
        self._library_years = _library_years()
        self._files: dict[int, HolidayYear] = {}
        for path in holiday_files:
            self.load_holiday_file(path)

    @classmethod
    def default(cls, *folders: Path | str) -> WorkCalendar:
        """The library's years, plus the packaged holiday files, plus each folder's files."""
        calendar = cls()
        for folder in (PACKAGED_HOLIDAYS, *folders):
            if Path(folder).is_dir():
                calendar.load_holiday_dir(folder)
        return calendar

    # --- what the calendar knows ----------------------------------------------------------

    @property
    def known_years(self) -> frozenset[int]:
        """Years with an official schedule: from the library or a loaded holiday file."""
        return self._library_years | frozenset(self._files)

    def year_source(self, year: int) -> YearSource:
        """Where a year's schedule comes from; a loaded file overrides the library."""
        if year in self._files:
            return "file"
        if year in self._library_years:
            return "library"
        return "guessed"

    def load_holiday_file(self, path: Path | str) -> HolidayYear:
        """Load (or replace) one year's schedule from a TOML holiday file."""
        path = Path(path)
        try:
            data = read_toml(path)
        except TomlFileError as exc:
            raise HolidayFileError(f"{path}: {exc.sentence('holiday file')}") from exc
        year_data = parse_holiday_year(data, where=str(path))
        self._files[year_data.year] = year_data
        return year_data

    def load_holiday_dir(self, folder: Path | str) -> list[HolidayYear]:
        """Load every *.toml in a folder (e.g. the hall's holidays/ directory), by name."""
        return [self.load_holiday_file(p) for p in sorted(Path(folder).glob("*.toml"))]

    # --- working days ---------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        loaded = self._files.get(d.year)
        if loaded is not None:
            return d in loaded.workdays or (d.weekday() < 5 and d not in loaded.holidays)
        if d.year in self._library_years:
            # chinese_calendar.is_workday() rescans its tables for the year range on every
            # call; its rule on its own tables is this, at dictionary speed.
            return d in _LIB_WORKDAYS or (d.weekday() < 5 and d not in _LIB_HOLIDAYS)
        return d.weekday() < 5

    def add_working_days(self, start: date, n: int) -> DueDate:
        """The n-th working day after `start` (the day of acceptance is not counted).

        n = 0 gives `start` itself (an item done on the spot). The result is `guessed` when
        any day walked over lies in a year without an official schedule.
        """
        if n < 0:
            raise ValueError("n must be 0 or more working days")
        if n > _MAX_WORKING_DAYS:
            raise ValueError(f"n must be at most {_MAX_WORKING_DAYS} working days")
        day = start
        for found in self._working_days_after(start, n):
            day = found
        first = start + timedelta(days=1)
        guessed = tuple(
            y for y in range(first.year, day.year + 1) if n and self.year_source(y) == "guessed"
        )
        return DueDate(date=day, guessed=bool(guessed), guessed_years=guessed)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end`."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def _working_days_after(self, start: date, n: int) -> Iterator[date]:
        day = start
        found = 0
        while found < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                found += 1
                yield day


def missing_next_year(calendar: WorkCalendar, today: date) -> int | None:
    """From December on, next year when its official calendar is missing (None otherwise):
    due dates running into it are being estimated on plain Monday–Friday."""
    following = today.year + 1
    if today.month == 12 and following not in calendar.known_years:
        return following
    return None


# --- holiday files --------------------------------------------------------------------------


def _as_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise HolidayFileError(f"{where}: {value!r} is not a date (write YYYY-MM-DD)")


def _expand(entries: Any, key: str, where: str) -> set[date]:
    if not isinstance(entries, list):
        raise HolidayFileError(f"{where}: '{key}' must be a list of dates or ranges")
    days: set[date] = set()
    for entry in entries:
        if isinstance(entry, str) and ".." in entry:
            first, last = (_as_date(part, f"{where}: {key}") for part in entry.split("..", 1))
        elif isinstance(entry, list) and len(entry) == 2:
            first, last = (_as_date(part, f"{where}: {key}") for part in entry)
        else:
            first = last = _as_date(entry, f"{where}: {key}")
        if last < first:
            raise HolidayFileError(f"{where}: {key}: range {entry!r} ends before it starts")
        day = first
        while day <= last:
            days.add(day)
            day += timedelta(days=1)
    return days


def parse_holiday_year(data: dict[str, Any], where: str = "holiday file") -> HolidayYear:
    """Validate one year's schedule (already parsed from TOML)."""
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2200:
        raise HolidayFileError(f"{where}: 'year' must be a year such as 2027")
    holidays = _expand(data.get("holidays", []), "holidays", where)
    workdays = _expand(data.get("workdays", []), "workdays", where)
    for key, days in (("holidays", holidays), ("workdays", workdays)):
        stray = sorted(d for d in days if d.year != year)
        if stray:
            raise HolidayFileError(f"{where}: {key}: {stray[0]} is not in {year}")
    both = sorted(holidays & workdays)
    if both:
        raise HolidayFileError(f"{where}: {both[0]} is listed both as a holiday and a workday")
    weekday_workdays = sorted(d for d in workdays if d.weekday() < 5)
    if weekday_workdays:
        raise HolidayFileError(
            f"{where}: workdays: {weekday_workdays[0]} is a weekday already; "
            "list only the make-up Saturdays and Sundays"
        )
    source = data.get("source", "")
    if not isinstance(source, str):
        raise HolidayFileError(f"{where}: 'source' must be text")
    return HolidayYear(year, frozenset(holidays), frozenset(workdays), source)
