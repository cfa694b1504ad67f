"""`counter calendar import FILE`: next year's holiday file from the State Council's notice.

Runs on the central's host: it reads the notice's text (central.notice), prints each day it
found (`YYYY-MM-DD off|working`) for a person to check against the notice, and writes
`<dir>/<year>.toml`, the holiday file central.calendar reads from its `holidays_dir`.
A text it cannot read fully is refused with the line, and nothing is written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from counter.core.i18n import t

EXIT_REFUSED = 1


def run(file: Path, folder: Path) -> int:
    from central.calendar import HolidayFileError, WorkCalendar
    from central.notice import NoticeError, holiday_file, parse_notice

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(t("cli.calendar_unreadable", path=file, why=exc), file=sys.stderr)
        return EXIT_REFUSED
    try:
        notice = parse_notice(text)
    except NoticeError as exc:
        print(t("cli.calendar_refused", path=file, why=exc), file=sys.stderr)
        return EXIT_REFUSED
    days = notice.days()
    for day, kind in days:
        print(f"{day.isoformat()} {kind}")
    target = folder / f"{notice.year}.toml"
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".toml.part")
    partial.write_text(holiday_file(notice), encoding="utf-8")
    try:
        WorkCalendar().load_holiday_file(partial)  # the central must be able to read it
    except HolidayFileError as exc:
        partial.unlink()
        print(t("cli.calendar_refused", path=file, why=exc), file=sys.stderr)
        return EXIT_REFUSED
    partial.replace(target)
    off = sum(kind == "off" for _, kind in days)
    print(t("cli.calendar_written", path=target, off=off, working=len(days) - off))
    return 0
