"""The ledger as CSV for the monthly report (月度台账): one row per escalation, headers in the
terminal's language, UTF-8 with a BOM so spreadsheet programs open the Chinese correctly.

Written to a path the supervisor confirms; the default is the documents folder (else home).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from platformdirs import user_documents_dir

from client.escalation_models import Escalation
from counter.core.i18n import t
from screens.escalation.common import (
    category_text,
    channel_text,
    reason_text,
    satisfaction_text,
    status_text,
)
from screens.export_file import open_mode
from screens.text import clean

COLUMNS = (
    "no",
    "status",
    "category",
    "channel",
    "registered_at",
    "registered_by",
    "reporter",
    "phone",
    "ticket",
    "case_no",
    "item",
    "description",
    "department",
    "handler",
    "due_date",
    "overdue_days",
    "result",
    "satisfaction",
    "out_of_scope",
    "closed_at",
)
HALL_FORMAT = "%Y-%m-%d %H:%M"


def default_path(now: datetime) -> Path:
    """<documents or home>/escalations-YYYYMMDD.csv (the day of the export)."""
    try:
        folder = Path(user_documents_dir())
    except Exception:  # platformdirs guesses; a headless box may have none
        folder = Path.home()
    if not folder.is_dir():
        folder = Path.home()
    return folder / f"escalations-{now:%Y%m%d}.csv"


def _local(moment: datetime | None, tz_of: datetime) -> str:
    return moment.astimezone(tz_of.tzinfo).strftime(HALL_FORMAT) if moment is not None else ""


def row(e: Escalation, now: datetime) -> list[str]:
    scope = e.out_of_scope
    values = [
        e.no,
        status_text(e.status),
        category_text(e.category),
        channel_text(e.channel),
        _local(e.registered_at, now),
        f"{e.registered_by_name}（{e.registered_by}）",
        e.reporter.name + (f"（{e.reporter.contact_person}）" if e.reporter.contact_person else ""),
        e.reporter.phone,
        e.ticket_number or "",
        e.case_no or "",
        " ".join(v for v in (e.item_code, e.item_name) if v),
        e.description,
        e.department_name or "",
        " ".join(v for v in (e.handler, e.handler_phone) if v),
        e.due_date.isoformat(),
        str(e.overdue_days) if e.overdue else "",
        e.result or "",
        satisfaction_text(e.satisfaction) if e.satisfaction else "",
        f"{reason_text(scope.reason)}：{scope.explanation} → {scope.channel}" if scope else "",
        _local(e.closed_at, now),
    ]
    # Data, not formulas: a cell starting with = + - @ is quoted so a spreadsheet shows it.
    return [_cell(v) for v in values]


def _cell(value: str) -> str:
    text = " ".join(clean(value).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_csv(
    path: Path, items: Sequence[Escalation], now: datetime, *, replace: bool = False
) -> int:
    """Write the ledger; answers the number of rows. Raises OSError when the path is unusable,
    and FileExistsError when the file exists and `replace` (the clerk's yes) was not given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open(open_mode(replace), encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([t(f"escalation.csv.{column}") for column in COLUMNS])
        for escalation in items:
            writer.writerow(row(escalation, now))
    return len(items)
