"""The reports' cases per day and item (case_daily, kept by the periodic job with report_daily)
always equal a recount of the cases themselves, whatever happened: intakes of every decision
over several items and departments, days closing at midnight, the job running at any moment,
an intake begun before midnight and stored after the job counted that day (the job finds it in
the audit trail and counts the day again), and a ticket of a closed day changing (the day rolled
up again, its cases too). A report's case list — roll-ups for the closed days, today's cases
counted — equals the recount after each round of the job."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from central import audit, case_rollups, housekeeping, report_cases, report_rollups
from central.calendar import WorkCalendar
from central.cases import create_case, due_date
from central.catalog import load_catalog
from central.context import Ctx, SystemCtx
from central.hall_time import HALL_TZ, service_day
from central.schema import cases, tickets
from central.schema_rollups import DECISIONS, case_daily, case_monthly, report_days
from central.store import Store
from client.case_models import CaseRequest
from client.report_models import CaseReport
from tests.conftest import ClientFactory, FakeClock
from tests.hall_data import senior
from tests.rollup_hall import EVER, WINDOWS, Clock, clerk, hall_store, serve

RUNS = itertools.count()
CATALOG = load_catalog()
CALENDAR = WorkCalendar()
# Items of four departments; each has a 容缺-able material and a promised time limit, so every
# decision can be taken on it.
Item = tuple[str, str, str]
ITEMS = [
    item
    for item in CATALOG.items
    if item.kind == "promised" and any(m.tolerable for m in item.materials)
]
ITEMS = [next(i for i in ITEMS if i.department_name == d)
         for d in dict.fromkeys(i.department_name for i in ITEMS)][:4]  # fmt: skip


def request(code: str, decision: str, day: date) -> CaseRequest:
    """A well-formed intake of `code` with `decision`, taken on `day`."""
    item = CATALOG.item(code)
    assert item is not None
    if decision == "refuse":
        return CaseRequest.model_validate({
            "item_code": code, "applicant": senior(), "checklist": [], "decision": "refuse",
            "refuse_reason": "不属于本中心受理范围", "refer_to": "户籍所在地政务服务中心",
        })  # fmt: skip
    gap = next(m for m in item.materials if m.tolerable)
    missing = {"accept": None, "tolerate": gap.name, "notice": item.materials[0].name}[decision]
    body: dict[str, Any] = {
        "item_code": code, "applicant": senior(), "decision": decision,
        "checklist": [{"material": m.name, "state": "received"} for m in item.materials
                      if m.name != missing],
    }  # fmt: skip
    if missing is not None:
        why = {"note": "未带"} if decision == "notice" else {}
        body["checklist"].append({"material": missing, "state": "missing", **why})
    if decision == "tolerate":
        body["commitment_date"] = due_date(item, day, CALENDAR).date.isoformat()
    return CaseRequest.model_validate(body)


def intake(store: Store, pick: int, decision: str, late: bool = False) -> None:
    """An intake at window 1. `late`: begun a second before the last midnight and stored now
    (its day is yesterday's, already closed)."""
    now = store.now()
    if late:
        midnight = datetime.combine(service_day(now), datetime.min.time(), HALL_TZ)
        now = midnight - timedelta(seconds=1)
    ctx = Ctx(clerk(WINDOWS[0]), now, "demo", "test")
    body = request(ITEMS[pick % len(ITEMS)].code, decision, service_day(now))
    with store.write() as conn:
        create_case(conn, ctx, CATALOG, CALENDAR, body)


def ticket_changes(store: Store) -> None:
    """The first ticket of the newest closed day changes (an audited step): that day is rolled
    up again on the next round, its cases with it."""
    today = service_day(store.now())
    with store.read() as conn:
        query = (
            select(tickets.c.id)
            .where(tickets.c.service_day < today)
            .order_by(tickets.c.service_day.desc(), tickets.c.id)
        )
        found = conn.execute(query).first()
    if found is None:
        return
    ctx = SystemCtx(now=store.now(), hall="demo", source="test")
    with store.write() as conn:
        conn.execute(update(tickets).where(tickets.c.id == found.id).values(recall_count=1))
        audit.record(conn, ctx, "ticket.recall", "ticket", found.id, before=None, after={})


def added_up(days: dict[date, dict[Item, list[int]]]) -> dict[Item, list[int]]:
    whole: dict[Item, list[int]] = defaultdict(lambda: [0] * len(DECISIONS))
    for items in days.values():
        for item, counts in items.items():
            whole[item] = [a + b for a, b in zip(whole[item], counts, strict=True)]
    return dict(whole)


def recount(conn: Any, first: date = EVER[0], last: date = EVER[1]) -> dict[Item, list[int]]:
    """Each item's cases per decision over [first, last], from the cases themselves."""
    return added_up(case_rollups.count(conn, first, last))


def check(store: Store) -> None:
    """After a round of the job: each rolled-up day's rows equal its cases; no day has rows
    without being marked rolled up; the report's list equals the recount."""
    with store.read() as conn:
        rolled = report_rollups.rolled_days(conn, *EVER)
        stored = case_rollups.stored(conn, *EVER)
        raw = case_rollups.count(conn, *EVER)
        assert set(stored) <= rolled
        for day in rolled:
            assert stored.get(day, {}) == raw.get(day, {}), day
        assert case_rollups.totals(conn, *EVER, rolled) == recount(conn)
        listed = {(d, c, n): [counts[x] for x in DECISIONS]
                  for (_, d, c, n), counts in report_cases.items(conn, *EVER)}  # fmt: skip
        assert listed == recount(conn)
        assert listed == {k: v for k, v in recount(conn).items() if any(v)}
        # Each month's sums are its rolled-up days added up; a month's list equals its recount.
        for month in {day.replace(day=1) for day in rolled | set(raw)}:
            end = case_rollups.month_end(month)
            rows = conn.execute(select(case_monthly).where(case_monthly.c.month == month)).all()
            sums = {(r.department_name, r.item_code, r.item_name):
                    [r._mapping[d] for d in DECISIONS] for r in rows}  # fmt: skip
            days = {day: items for day, items in stored.items() if month <= day <= end}
            assert sums == added_up(days), month
            assert case_rollups.totals(conn, month, end, rolled) == recount(conn, month, end)


action = st.one_of(
    st.tuples(st.just("intake"), st.integers(0, 7), st.sampled_from(DECISIONS)),
    st.tuples(st.just("late"), st.integers(0, 7), st.sampled_from(DECISIONS)),
    st.tuples(st.just("serve"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("later"), st.integers(1, 20)),  # hours: across midnight
    st.just(("job",)),
    st.just(("ticket changes",)),
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=st.lists(action, min_size=1, max_size=25))
def test_case_rollups_equal_a_recount_after_any_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, actions: list[Any]
) -> None:
    # SQLite stores audit ids in commit order: no lookback is needed (PostgreSQL's re-reads
    # the last 1,000, which in a hall this small would recount every day and hide a miss).
    monkeypatch.setattr(report_rollups, "LOOKBACK", 0)
    clock = Clock()
    path = tmp_path / f"c{next(RUNS)}.db"  # a fresh database for each example
    with hall_store(path, clock) as store:
        serve(store, WINDOWS[0])  # the hall's first ticket: the job rolls up from its day
        for step in actions:
            kind = step[0]
            if kind in ("intake", "late"):
                intake(store, step[1], step[2], late=kind == "late")
            elif kind == "serve":
                serve(store, step[1])
            elif kind == "later":
                clock.now += timedelta(hours=step[1])
            elif kind == "job":
                report_rollups.catch_up(store)
                check(store)
            else:
                ticket_changes(store)
        report_rollups.catch_up(store)
        check(store)
        # Every closed day is rolled up; another round changes nothing.
        with store.read() as conn:
            first = conn.execute(select(tickets.c.service_day).order_by(tickets.c.id)).scalar()
            days = set(conn.execute(select(report_days.c.day)).scalars())
            before = conn.execute(select(case_daily).order_by(*case_daily.primary_key)).all()
        today = service_day(store.now())
        assert days == {first + timedelta(days=i) for i in range((today - first).days)}
        report_rollups.catch_up(store)
        with store.read() as conn:
            after = conn.execute(select(case_daily).order_by(*case_daily.primary_key)).all()
        assert after == before
        check(store)
    path.unlink()


def recount_listed(store: Store, first: date, last: date) -> list[CaseReport]:
    """The report's whole case list, most cases first, grouped here from the cases."""
    found: dict[tuple[str, str, str], dict[str, int]] = defaultdict(dict)
    with store.read() as conn:
        query = (
            select(cases.c.department_name, cases.c.item_code, cases.c.item_name,
                   cases.c.decision, func.count())
            .where(cases.c.service_day >= first, cases.c.service_day <= last)
            .group_by(cases.c.department_name, cases.c.item_code, cases.c.item_name,
                      cases.c.decision)
        )  # fmt: skip
        for dept, code, name, decision, n in conn.execute(query).all():
            found[(dept, code, name)][decision] = int(n)
    listed = [CaseReport(department=d, item_code=c, item_name=n, **counts)
              for (d, c, n), counts in found.items()]  # fmt: skip
    return sorted(listed, key=lambda r: (-(r.accept + r.tolerate + r.notice + r.refuse),
                                         r.department, r.item_code, r.item_name))  # fmt: skip


@pytest.mark.backends("sqlite", "postgresql")
async def test_the_month_reports_cases_are_unchanged_by_the_rollups(
    make_client: ClientFactory, central_app: Any, clock: FakeClock
) -> None:
    """Cases on four days through the API; the month report over HTTP before the job rolled
    those days up, after it, and a recount from the cases themselves give the same list, and
    an intake of today after the roll-up is in it too."""
    store = central_app.state.store
    kiosk = await make_client("kiosk01")
    await kiosk.issue_ticket("A")  # the hall's first ticket: the job rolls up from its day
    first = service_day(store.now())
    for n in range(4):  # Tuesday to Friday
        clerk = await make_client("1001")
        on = service_day(store.now())
        for i in range(5 + 2 * n):
            body = request(ITEMS[(i + n) % len(ITEMS)].code, DECISIONS[(3 * i + n) % 4], on)
            await clerk.create_case(body)
        clock.advance(days=1)
    today = service_day(store.now())
    boss = await make_client("2001")
    before = await boss.whole_report("month", today)
    assert before.cases == recount_listed(store, first.replace(day=1), today)
    assert sum(r.accept + r.tolerate + r.notice + r.refuse for r in before.cases) == 5 + 7 + 9 + 11

    assert housekeeping.run_once(store)["report_days"] == 4
    with store.read() as conn:
        assert set(case_rollups.stored(conn, first, today)) == {
            first + timedelta(days=i) for i in range(4)
        }
    after = await boss.whole_report("month", today)
    assert after.cases == before.cases and after.cases_total == before.cases_total
    day = await boss.whole_report("day", first + timedelta(days=2))  # a closed day alone
    assert day.cases == recount_listed(store, first + timedelta(days=2), first + timedelta(days=2))

    clerk = await make_client("1001")
    await clerk.create_case(request(ITEMS[0].code, "refuse", today))  # today: from its cases
    now = await boss.whole_report("month", today)
    assert now.cases == recount_listed(store, first.replace(day=1), today)
    assert now.cases != after.cases
