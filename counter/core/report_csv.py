"""A day or month report as CSV: UTF-8 with a BOM (spreadsheets then show the Chinese right),
one section after another (a title row, a header row, the rows, a blank line), headers in the
user's language. Cells are data, never formulas: one starting with = + - @ is quoted with '.
No Textual here: `counter report` (a scheduled job) and the board's export both use it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from client.report_models import Report, TimeFigures
from counter.core.i18n import t

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def cell(value: object) -> str:
    text = " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _times(f: TimeFigures) -> list[object]:
    return [f.wait_avg_s, f.wait_p90_s, f.handle_avg_s, f.handle_p90_s]


TIME_HEADERS = ("wait_avg_s", "wait_p90_s", "handle_avg_s", "handle_p90_s")


def sections(r: Report) -> Iterable[tuple[str, Sequence[str], list[list[object]]]]:
    """(title key, header keys, rows) of each part of the report."""
    yield (
        "queues",
        ("queue", "name", "issued", "served", "no_show", *TIME_HEADERS),
        [[q.prefix, q.name, q.issued, q.served, q.no_show, *_times(q)] for q in r.queues],
    )
    yield (
        "clerks",
        ("staff_no", "name", "served", *TIME_HEADERS, "rated", "satisfaction", "bad"),
        [
            [c.staff_no, c.name, c.served, *_times(c), c.rated, percent(c.satisfaction), c.bad]
            for c in r.clerks
        ],
    )
    yield "cases", ("department", "item_code", "item_name", "accept", "tolerate", "notice",
                    "refuse"), [
        [c.department, c.item_code, c.item_name, c.accept, c.tolerate, c.notice, c.refuse]
        # by department and item, as the CSV always listed them (the API pages by most cases)
        for c in sorted(r.cases, key=lambda c: (c.department, c.item_code, c.item_name))
    ]  # fmt: skip
    g = r.ratings
    yield "ratings", ("rated", "defaults", "satisfied", "satisfaction", "bad", "pending",
                      "upheld", "rectified"), [
        [g.rated, g.defaults, g.satisfied, percent(g.satisfaction), g.bad, g.pending, g.upheld,
         g.rectified]
    ]  # fmt: skip
    e = r.escalations
    yield "escalations", ("opened", "closed", "overdue"), [[e.opened, e.closed, e.overdue]]
    c = r.callbacks
    yield "callbacks", ("finished", "drawn", "recorded", "reached", "cb_satisfied",
                        "dissatisfied", "rate", "cb_to_review", "upheld", "rectified"), [
        [c.finished, c.drawn, c.recorded, c.reached, c.satisfied, c.dissatisfied, percent(c.rate),
         c.to_review, c.upheld, c.rectified]
    ]  # fmt: skip
    yield (
        "days",
        ("day", "issued", "served", "satisfaction"),
        [[d.day.isoformat(), d.issued, d.served, percent(d.satisfaction)] for d in r.days],
    )


def report_csv(r: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    period = r.first_day.isoformat() + ("" if r.kind == "day" else f" – {r.last_day.isoformat()}")
    writer.writerow([cell(t(f"report.title_{r.kind}", period=period))])
    for title, headers, rows in sections(r):
        writer.writerow([])
        writer.writerow([cell(t(f"report.section.{title}"))])
        writer.writerow([cell(t(f"report.col.{h}")) for h in headers])
        for row in rows:
            writer.writerow([cell(v) for v in row])
    return out.getvalue()


def write_report(path: Path, r: Report) -> None:
    """Raises OSError when the path cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_csv(r), encoding="utf-8-sig", newline="")
