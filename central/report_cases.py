"""A report's cases per service item and decision, paged by keyset: most cases first (then
department, item code, item name), a small page by default, with the count of items in all.

A month of a real hall holds ~5,900 item/decision groups: sent whole, the list was a 236 KB
answer and most of a month report's time. The groups are counted from the report index
(ix_cases_report) each time; a page carries a bookmark of its last item (`next`), and the next
page is the items after it in that order, so a page never repeats or skips an item even when
cases are added meanwhile (a new item slots in where it belongs).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from sqlalchemy import Connection, func, select

from central.errors import Invalid
from central.schema import cases
from client.report_models import CasePage, CaseReport

DEFAULT_PAGE = 50
MOST_PAGE = 1000

SortKey = tuple[int, str, str, str]  # (-cases, department, item code, item name)


def _key(item: CaseReport) -> SortKey:
    total = item.accept + item.tolerate + item.notice + item.refuse
    return (-total, item.department, item.item_code, item.item_name)


def items(conn: Connection, first: date, last: date) -> list[CaseReport]:
    """Every item with cases in [first, last], most cases first."""
    found: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in conn.execute(
        select(
            cases.c.department_name, cases.c.item_code, cases.c.item_name, cases.c.decision,
            func.count().label("n"),
        )
        .where(cases.c.service_day >= first, cases.c.service_day <= last)
        .group_by(cases.c.department_name, cases.c.item_code, cases.c.item_name, cases.c.decision)
    ):  # fmt: skip
        found[(r.department_name, r.item_code, r.item_name)][r.decision] += int(r.n)
    listed = [
        CaseReport(department=dept, item_code=code, item_name=name, **dict(counts))
        for (dept, code, name), counts in found.items()
    ]
    return sorted(listed, key=_key)


def bookmark(item: CaseReport) -> str:
    return json.dumps(list(_key(item)), ensure_ascii=False, separators=(",", ":"))


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


def page(listed: list[CaseReport], after: str | None, limit: int) -> CasePage:
    """The `limit` items after the bookmark `after` (from the first when None)."""
    shown = listed
    if after is not None:
        mark = _read_bookmark(after)
        shown = [item for item in listed if _key(item) > mark]
    chosen = shown[:limit]
    more = len(shown) > limit
    return CasePage(
        items=chosen, total=len(listed), next=bookmark(chosen[-1]) if more and chosen else None
    )


def case_page(
    conn: Connection, first: date, last: date, after: str | None = None, limit: int = DEFAULT_PAGE
) -> CasePage:
    return page(items(conn, first, last), after, limit)
