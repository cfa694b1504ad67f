"""The report's cases per item, paged by keyset (issue 12): a small first page with the count of
items in all, most cases first; the pages after a bookmark add up to the whole list; the
supervisor's reports tab shows the first page and fetches the next on `n`; the CSV holds
every item, in the order it always had."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from typing import Any

import pytest

from central.hall_time import service_day
from central.schema import cases
from client.errors import CentralError
from client.report_models import CasePage, CaseReport
from counter.core.report_csv import report_csv
from tests.conftest import ClientFactory, FakeClock
from tests.pilot import build, open_board, text_of, until

DECISIONS = ("accept", "tolerate", "notice", "refuse")
ITEMS = 64  # more than the default page of 50


def add_cases(central_app: Any) -> tuple[date, dict[tuple[str, str, str], dict[str, int]]]:
    """ITEMS items over two departments with 1–4 cases each (ties in count on purpose: the
    order then falls to department, code and name), on today; what was added, per item."""
    store = central_app.state.store
    today = service_day(store.now())
    at = datetime.now(timezone.utc)
    rows, added = [], {}
    seq = 0
    for i in range(ITEMS):
        dept = ("市场监管局", "人社局")[i % 2]
        code, name = f"T-{i:03d}", f"事项{i:03d}"
        counts: dict[str, int] = {}
        for k in range(1 + i % 4):
            decision = DECISIONS[(i + k) % 4]
            counts[decision] = counts.get(decision, 0) + 1
            seq += 1
            rows.append({
                "case_no": f"ZT{seq:08d}", "service_day": today, "seq": 90000 + seq,
                "item_code": code, "item_name": name, "department_name": dept,
                "catalog_version": "t", "decision": decision, "created_at": at,
                "applicant_kind": "person", "applicant_key": f"K{seq}", "applicant": {},
                "checklist": [], "delivery": "window", "staff_no": "1001", "staff_name": "t",
            })  # fmt: skip
        added[(dept, code, name)] = counts
    with store.write() as conn:
        conn.execute(cases.insert(), rows)
    return today, added


def expected(added: dict[tuple[str, str, str], dict[str, int]]) -> list[CaseReport]:
    listed = [CaseReport(department=d, item_code=c, item_name=n, **counts)
              for (d, c, n), counts in added.items()]  # fmt: skip
    return sorted(listed, key=lambda r: (-(r.accept + r.tolerate + r.notice + r.refuse),
                                         r.department, r.item_code, r.item_name))  # fmt: skip


async def test_pages_by_keyset_add_up_to_the_whole_list(
    make_client: ClientFactory, central_app: Any
) -> None:
    today, added = add_cases(central_app)
    boss = await make_client("2001")
    report = await boss.report("month", today)
    whole = expected(added)
    assert report.cases_total == ITEMS and report.cases == whole[:50]  # small, most cases first
    assert report.cases_next is not None
    first = await boss._get("/v1/reports/month/cases", CasePage,
                            {"date": today.isoformat(), "limit": 7})  # fmt: skip
    assert first.items == whole[:7] and first.total == ITEMS
    listed, after, pages = list(first.items), first.next, 1
    while after is not None:
        page = await boss.report_cases("month", today, after, limit=7)
        assert page.total == ITEMS and len(page.items) <= 7
        listed.extend(page.items)
        after, pages = page.next, pages + 1
    assert listed == whole and pages == -(-ITEMS // 7)  # no item twice, none skipped
    everything = await boss.whole_report("month", today)
    assert everything.cases == whole and everything.cases_next is None
    day = await boss.report("day", today)  # a day's report pages the same items
    assert day.cases == whole[:50] and day.cases_total == ITEMS


async def test_an_unreadable_bookmark_is_one_sentence(
    make_client: ClientFactory, central_app: Any
) -> None:
    today, _ = add_cases(central_app)
    boss = await make_client("2001")
    with pytest.raises(CentralError) as refused:
        await boss.report_cases("month", today, "not a bookmark")
    assert "bookmark" in refused.value.message and "\n" not in refused.value.message


async def test_the_csv_holds_every_item_in_its_old_order(
    make_client: ClientFactory, central_app: Any
) -> None:
    today, added = add_cases(central_app)
    boss = await make_client("2001")
    text = report_csv(await boss.whole_report("month", today))
    rows = list(csv.reader(io.StringIO(text)))
    listed = [r for r in rows if len(r) == 7 and r[1].startswith("T-")]
    assert len(listed) == ITEMS
    assert [tuple(r[:3]) for r in listed] == sorted(added)  # department, code, name as before
    for dept, code, name, *numbers in listed:
        counts = added[(dept, code, name)]
        assert [int(n) for n in numbers] == [counts.get(d, 0) for d in DECISIONS]


async def test_the_reports_tab_shows_a_page_and_fetches_the_next_on_n(
    terminal_client: Any, clock: FakeClock, central_app: Any
) -> None:
    add_cases(central_app)
    app = build(terminal_client, clock, login_as="2001", window=None)
    async with app.run_test(size=(100, 30)) as pilot:
        board = await open_board(pilot, app)
        await pilot.press("5")
        await until(pilot, lambda: "50 of 64" in text_of(app.screen, "#report-body"),
                    "the first page of items")  # fmt: skip
        assert board.report is not None and len(board.report.cases) == 50
        await pilot.press("n")
        await until(pilot, lambda: "all 64" in text_of(app.screen, "#report-body"),
                    "the next page of items")  # fmt: skip
        assert board.report is not None and len(board.report.cases) == ITEMS
        assert board.report.cases_next is None
        shown = text_of(app.screen, "#report-body")
        assert all(f"事项{i:03d}" in shown for i in range(ITEMS))
