"""Working days on the official calendar: 调休 around holidays, and years with no calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from central.calendar import HolidayFileError, WorkCalendar

# A year chinese_calendar cannot know for decades; 2027 would stop being "unknown" as soon as
# the library publishes it, so the tests use a far year for "no calendar".
FAR = 2099


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_makeup_saturdays_are_working_days(cal: WorkCalendar) -> None:
    assert date(2026, 2, 14).weekday() == 5 and cal.is_working_day(date(2026, 2, 14))
    assert date(2026, 10, 10).weekday() == 5 and cal.is_working_day(date(2026, 10, 10))
    assert not cal.is_working_day(date(2026, 2, 16))  # Spring Festival, a Monday
    assert not cal.is_working_day(date(2026, 10, 5))  # National Day, a Monday
    assert not cal.is_working_day(date(2026, 10, 17))  # an ordinary Saturday


def test_spring_festival_2026(cal: WorkCalendar) -> None:
    # Accepted on Friday 13 Feb: day 1 is the make-up Saturday, then the holiday runs to the
    # 23rd, so day 2 is Tuesday 24 Feb.
    assert cal.add_working_days(date(2026, 2, 13), 1).date == date(2026, 2, 14)
    assert cal.add_working_days(date(2026, 2, 13), 2).date == date(2026, 2, 24)
    due = cal.add_working_days(date(2026, 2, 13), 5)
    assert due.date == date(2026, 2, 27)
    assert not due.guessed
    # 防雷装置设计审核, 10 working days, accepted Thursday 12 Feb: 13, 14 (Sat), 24–27,
    # 28 (another make-up Saturday), 2, 3, 4 March.
    assert cal.add_working_days(date(2026, 2, 12), 10).date == date(2026, 3, 4)


def test_national_day_2026(cal: WorkCalendar) -> None:
    # Accepted Wednesday 30 Sep: 1–7 Oct off, Thursday 8 = day 1, Friday 9, Saturday 10
    # (make-up working day) = day 3, Monday 12 = day 4, then 13, 14.
    assert cal.add_working_days(date(2026, 9, 30), 1).date == date(2026, 10, 8)
    assert cal.add_working_days(date(2026, 9, 30), 3).date == date(2026, 10, 10)
    assert cal.add_working_days(date(2026, 9, 30), 5).date == date(2026, 10, 13)
    # The day of acceptance never counts, even when it is a working day.
    assert cal.add_working_days(date(2026, 10, 9), 1).date == date(2026, 10, 10)


def test_zero_days_is_the_same_day_and_negative_is_refused(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 10, 9), 0).date == date(2026, 10, 9)
    with pytest.raises(ValueError):
        cal.add_working_days(date(2026, 10, 9), -1)


def test_known_years_come_from_the_library(cal: WorkCalendar) -> None:
    assert 2026 in cal.known_years and 2020 in cal.known_years
    assert FAR not in cal.known_years
    assert cal.year_source(2026) == "library"
    assert cal.year_source(FAR) == "guessed"


def test_a_year_without_a_calendar_is_guessed_mon_to_fri(cal: WorkCalendar) -> None:
    # 1 Jan 2099 is a Thursday: with no schedule it is assumed to be a working day.
    due = cal.add_working_days(date(FAR, 1, 1), 2)
    assert due.date == date(FAR, 1, 5)
    assert due.guessed and due.guessed_years == (FAR,)


def test_walking_into_an_unknown_year_is_guessed(cal: WorkCalendar) -> None:
    last = max(y for y in cal.known_years)
    if last + 1 in cal.known_years:  # pragma: no cover - defensive
        pytest.skip("library knows the following year")
    due = cal.add_working_days(date(last, 12, 20), 15)
    assert due.date.year == last + 1
    assert due.guessed and due.guessed_years == (last + 1,)
    inside = cal.add_working_days(date(last, 12, 1), 3)
    assert not inside.guessed


def test_a_holiday_file_makes_the_year_known(cal: WorkCalendar, tmp_path: Path) -> None:
    path = tmp_path / f"{FAR}.toml"
    path.write_text(
        f"""
year = {FAR}
source = "test schedule, not official"
holidays = [{FAR}-01-01, "{FAR}-01-02", "{FAR}-01-05..{FAR}-01-07"]
workdays = ["{FAR}-01-10"]
""",
        encoding="utf-8",
    )
    loaded = cal.load_holiday_file(path)
    assert loaded.year == FAR and len(loaded.holidays) == 5
    assert FAR in cal.known_years and cal.year_source(FAR) == "file"
    assert not cal.is_working_day(date(FAR, 1, 1))
    assert cal.is_working_day(date(FAR, 1, 10))  # a make-up Saturday
    # From Wed 31 Dec 2098: 1–2 Jan holidays, 3–4 weekend, 5–7 holidays, 8 Thu, 9 Fri, 10 Sat.
    due = cal.add_working_days(date(FAR - 1, 12, 31), 3)
    assert due.date == date(FAR, 1, 10)
    assert not due.guessed


def test_the_holiday_directory_is_loaded(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(f'year = {FAR}\nholidays = ["{FAR}-03-02"]\n', "utf-8")
    cal = WorkCalendar()
    assert [y.year for y in cal.load_holiday_dir(tmp_path)] == [FAR]
    assert not cal.is_working_day(date(FAR, 3, 2))
    assert WorkCalendar(holiday_files=[tmp_path / "a.toml"]).year_source(FAR) == "file"
    assert WorkCalendar.default(tmp_path).year_source(FAR) == "file"
    assert WorkCalendar.default().year_source(FAR) == "guessed"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("holidays = []", "'year'"),
        (f'year = {FAR}\nholidays = ["{FAR}-02-30"]', "not a date"),
        (f'year = {FAR}\nholidays = ["{FAR + 1}-01-01"]', f"not in {FAR}"),
        (f'year = {FAR}\nworkdays = ["{FAR}-01-05"]', "weekday already"),
        (f'year = {FAR}\nholidays = ["{FAR}-01-10"]\nworkdays = ["{FAR}-01-10"]', "both"),
        (f'year = {FAR}\nholidays = ["{FAR}-01-09..{FAR}-01-01"]', "ends before"),
        ("year = = 1", "not valid TOML"),
    ],
)
def test_a_bad_holiday_file_names_the_file_and_the_problem(
    tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(HolidayFileError) as caught:
        WorkCalendar().load_holiday_file(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 9, 30)) == 0
