"""A report's cases per service item and decision, paged by keyset: most cases first (then
department, item code, item name), a small page by default, with the count of items in all.

A month of a real hall holds ~5,900 item/decision groups: sent whole, the list was a 236 KB
answer and most of a month report's time. The items are summed each time from the closed days'
roll-ups and today's cases (central.case_rollups); a page carries a bookmark of its last item
(`next`), and the next page is the items after it in that order, so a page never repeats or
skips an item even when cases are added meanwhile (a new item slots in where it belongs).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from datetime import date

from sqlalchemy import Connection

from central import case_rollups, report_rollups
from central.errors import Invalid
from central.schema_rollups import DECISIONS
from client.report_models import CasePage, CaseReport

DEFAULT_PAGE = 50
MOST_PAGE = 1000

SortKey = tuple[int, str, str, str]  # (-cases, department, item code, item name)
Row = tuple[SortKey, dict[str, int]]  # an item's sort key and its cases per decision


def items(conn: Connection, first: date, last: date) -> list[Row]:
    """Every item with cases in [first, last], most cases first, as plain tuples: a wire model
    is built only for the items of the page sent (a month holds ~1,300). Closed days come from
    their roll-ups (central.case_rollups), today from its cases."""
    rolled = report_rollups.rolled_days(conn, first, last)
    listed = [
        ((-sum(counts), *item), dict(zip(DECISIONS, counts, strict=True)))
        for item, counts in case_rollups.totals(conn, first, last, rolled).items()
    ]
    listed.sort(key=lambda row: row[0])
    return listed


def _wire(row: Row) -> CaseReport:
    (_, dept, code, name), counts = row
    return CaseReport(department=dept, item_code=code, item_name=name, **counts)


def bookmark(key: SortKey) -> str:
    return json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))


def _read_bookmark(after: str) -> SortKey:
    try:
        minus, dept, code, name = json.loads(after)
        if isinstance(minus, int) and all(isinstance(s, str) for s in (dept, code, name)):
            return (minus, dept, code, name)
    except (ValueError, TypeError):
        pass
    raise Invalid(
        "This page's bookmark cannot be read: ask for the report's first page again.",
        fields={"after": "unreadable"},
        reason="report_page_unreadable",
    )


def page(listed: list[Row], after: str | None, limit: int) -> CasePage:
    """The `limit` items after the bookmark `after` (from the first when None)."""
    start = 0
    if after is not None:
        start = bisect_right(listed, _read_bookmark(after), key=lambda row: row[0])
    chosen = listed[start : start + limit]
    more = start + limit < len(listed)
    return CasePage(
        items=[_wire(row) for row in chosen],
        total=len(listed),
        next=bookmark(chosen[-1][0]) if more and chosen else None,
    )


def case_page(
    conn: Connection, first: date, last: date, after: str | None = None, limit: int = DEFAULT_PAGE
) -> CasePage:
    return page(items(conn, first, last), after, limit)
