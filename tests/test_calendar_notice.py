"""`counter calendar import`: the State Council's notices for 2025 and 2026, as published
(tests/data), read into exactly the days the chinese-calendar package has for those years;
a text that cannot be read fully is refused naming its line, and nothing is written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import chinese_calendar.constants as official
import pytest

from central.calendar import WorkCalendar, missing_next_year
from central.notice import NoticeError, parse_notice
from counter.cli import main

DATA = Path(__file__).parent / "data"


def notice_text(year: int) -> str:
    return (DATA / f"notice_{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_published_notice_gives_the_official_days(year: int) -> None:
    notice = parse_notice(notice_text(year))
    assert notice.year == year
    off = {d for d, kind in notice.days() if kind == "off"}
    working = {d for d, kind in notice.days() if kind == "working"}
    assert off == {d for d in official.holidays if d.year == year}
    assert working == {d for d in official.workdays if d.year == year}


def test_import_prints_each_day_and_writes_the_file_the_central_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(notice_text(2026), encoding="utf-8")
    assert main(["--lang", "en", "calendar", "import", str(notice), "--dir", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2026-01-01 off" and "2026-01-04 working" in lines
    assert "2026-10-10 working" in lines and len(lines) == 33 + 6 + 1
    calendar = WorkCalendar()
    loaded = calendar.load_holiday_file(tmp_path / "2026.toml")
    assert loaded.holidays == {d for d in official.holidays if d.year == 2026}
    assert loaded.workdays == {d for d in official.workdays if d.year == 2026}
    assert calendar.year_source(2026) == "file"


@pytest.mark.parametrize(
    ("change", "line", "why"),
    [
        ("1月4日（周日）上班", "1月4日（周一）上班", "is a 周日, not a 周一"),
        ("放假调休，共9天", "放假调休，共8天", "共8天 but"),
        ("5月9日（周六）上班", "5月9日（周六）照常上班。另行通知", "cannot read"),
        ("至21日（周日）放假，共3天", "至21日放假，共3天", "not in the notice's form"),
    ],
)
def test_a_text_it_cannot_read_fully_is_refused_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, line: str, why: str
) -> None:
    text = notice_text(2026)
    assert change in text
    broken = text.replace(change, line, 1)
    with pytest.raises(NoticeError, match=why) as refused:
        parse_notice(broken)
    number = next(i for i, raw in enumerate(broken.splitlines(), 1) if line in raw)
    assert str(refused.value).startswith(f"line {number}:")
    notice = tmp_path / "notice.txt"
    notice.write_text(broken, encoding="utf-8")
    assert main(["--lang", "en", "calendar", "import", str(notice), "--dir", str(tmp_path)]) == 1
    assert f"line {number}:" in capsys.readouterr().err
    assert not (tmp_path / "2026.toml").exists()


def test_a_text_without_the_notices_title_is_refused() -> None:
    with pytest.raises(NoticeError, match="line 1: no title"):
        parse_notice("一、元旦：1月1日（周四）放假1天，不调休。")


def test_from_december_a_missing_next_year_is_said() -> None:
    calendar = WorkCalendar()
    known = max(calendar.known_years)
    assert missing_next_year(calendar, date(known, 11, 30)) is None
    assert missing_next_year(calendar, date(known, 12, 1)) == known + 1
    assert missing_next_year(calendar, date(known - 1, 12, 1)) is None
