"""Hall-local time on the server: UTC storage, hall-local days.

The zone itself is client.hall_time.HALL_TZ, shared with the terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, timezone

from client.hall_time import HALL_TZ

__all__ = ["HALL_TZ", "as_utc", "day_bounds", "day_runs", "service_day"]


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as hall-local time (what a kiosk means)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=HALL_TZ)
    return moment.astimezone(timezone.utc)


def service_day(moment: datetime) -> date:
    """The hall-local date a moment falls on: ticket sequences and "today" counts reset on it."""
    return as_utc(moment).astimezone(HALL_TZ).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a hall-local day, in UTC."""
    start = datetime.combine(day, time(0), tzinfo=HALL_TZ).astimezone(timezone.utc)
    return start, start + timedelta(days=1)


def day_runs(days: Iterable[date]) -> Iterator[tuple[date, date]]:
    """The days as runs of consecutive days, (first, last) each, in order."""
    start = prev = None
    for day in sorted(days):
        if start is not None and prev is not None and day != prev + timedelta(days=1):
            yield start, prev
            start = None
        if start is None:
            start = day
        prev = day
    if start is not None and prev is not None:
        yield start, prev
