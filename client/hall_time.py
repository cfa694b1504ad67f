"""The hall's time zone, once for the terminal and the central API. China has no DST: the
hall's day runs in UTC+8, wherever the server or the terminal's clock is set."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

HALL_TZ = timezone(timedelta(hours=8))


def hall_now() -> datetime:
    return datetime.now(HALL_TZ)


def hall_today() -> date:
    return hall_now().date()


def hall_date(moment: datetime) -> date:
    """The hall-local date an aware moment falls on."""
    return moment.astimezone(HALL_TZ).date()
