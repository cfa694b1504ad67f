"""bench/year.py --measure: every read a clerk, supervisor or report makes, timed over HTTP
against `counter serve` on a year's database. Prints one line per read: the median and the
slowest of the runs (ms), and the size of the answer."""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timedelta, timezone

import httpx

from central.hall_time import service_day

BUDGET_MS = 200.0
MONTH_REPORT_MS = 1000.0  # issue 13: a month's report of a 55-window hall within 1 s


def _login(http: httpx.Client, staff_no: str) -> dict[str, str]:
    answer = http.post(
        "/v1/auth/login",
        json={"staff_no": staff_no, "password": "counter"},
        headers={"Idempotency-Key": f"measure-login-{staff_no}-{time.time()}"},
    )
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def reads(today: date, ticket_id: int | None) -> list[tuple[str, str, str]]:
    """(who, label, path) of each read measured."""
    month = (today - timedelta(days=29)).isoformat()
    year = today.replace(year=today.year - 1, day=1) + timedelta(days=31)
    year = year.replace(day=1)
    y = year.isoformat()
    t = today.isoformat()
    found: list[tuple[str, str, str]] = []
    tally = "/v1/ratings/tally"
    for label, scope, who in (
        ("clerk", "staff=me", "clerk"),
        ("window", "window=1", "boss"),
        ("department", "department=zwfw", "boss"),
        ("hall", "", "boss"),
    ):
        q = f"&{scope}" if scope else ""
        found += [
            (who, f"tally {label} today", f"{tally}?from={t}&to={t}{q}"),
            (who, f"tally {label} 30 days", f"{tally}?from={month}&to={t}{q}"),
            (who, f"tally {label} year by month", f"{tally}?from={y}&to={t}&by=month{q}"),
        ]
    for group in ("staff", "window", "department"):
        found.append(
            ("boss", f"table {group} year", f"/v1/ratings/table?group={group}&from={y}&to={t}")
        )
    found.append(
        ("boss", "table staff 30 days", f"/v1/ratings/table?group=staff&from={month}&to={t}")
    )
    found += [
        ("boss", "ratings (hall)", "/v1/ratings"),
        ("boss", "ratings 30 days", f"/v1/ratings?from={month}&to={t}"),
        ("clerk", "ratings (own)", "/v1/ratings?staff=me"),
        ("boss", "差评 list", "/v1/ratings?bad=true"),
        ("boss", "差评 open", "/v1/ratings?open=true"),
        ("boss", "差评 pending", "/v1/ratings?state=pending"),
        ("clerk", "差评 own", "/v1/ratings?staff=me&bad=true"),
    ]
    ledger = "/v1/escalations"
    found += [("boss", "ledger", ledger), ("clerk", "ledger mine", f"{ledger}?mine=true")]
    for status in (
        "registered",
        "assigned",
        "in_progress",
        "resolved",
        "called_back",
        "closed",
        "out_of_scope",
    ):
        found.append(("boss", f"ledger status={status}", f"{ledger}?status={status}"))
    for category in ("difficult", "complex", "urgent"):
        found.append(("boss", f"ledger category={category}", f"{ledger}?category={category}"))
    found += [
        ("boss", "ledger department=zrzy", f"{ledger}?department=zrzy"),
        ("boss", "ledger overdue=true", f"{ledger}?overdue=true"),
        ("boss", "ledger overdue=false", f"{ledger}?overdue=false"),
    ]
    found += [
        ("boss", "audit first page", "/v1/audit"),
        ("boss", "audit actor=1001", "/v1/audit?actor=1001"),
        ("boss", "audit today", f"/v1/audit?from={t}T00:00:00"),
        (
            "boss",
            "audit a month ago, one hour",
            f"/v1/audit?from={month}T10:00:00&to={month}T11:00:00",
        ),
    ]
    if ticket_id is not None:
        found.append(("boss", "audit one ticket", f"/v1/audit?object=ticket:{ticket_id}"))
    last_month = (today.replace(day=1) - timedelta(days=1)).isoformat()
    found += [
        ("boss", "report day (today)", f"/v1/reports/day?date={t}"),
        ("boss", "report day (a month ago)", f"/v1/reports/day?date={month}"),
        ("boss", "report month (this month)", f"/v1/reports/month?date={t}"),
        ("boss", "report month (last month)", f"/v1/reports/month?date={last_month}"),
    ]
    return found


def measure(url: str, repeat: int, today: date | None = None) -> int:
    over = 0
    with httpx.Client(base_url=url, timeout=120) as http:
        heads = {"clerk": _login(http, "1001"), "boss": _login(http, "2001")}
        today = today or service_day(datetime.now(timezone.utc))
        rated = http.get("/v1/ratings?limit=1", headers=heads["boss"]).json()
        items = rated["items"] if isinstance(rated, dict) else rated
        ticket_id = items[0]["ticket_id"] if items else None
        print(f"{'read':40} {'median':>8} {'max':>8} {'bytes':>9}")
        for who, label, path in reads(today, ticket_id):
            times: list[float] = []
            size = 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                answer = http.get(path, headers=heads[who])
                times.append((time.perf_counter() - t0) * 1000)
                if answer.status_code != 200:
                    print(f"{label:40} HTTP {answer.status_code}: {answer.text[:200]}")
                    break
                size = len(answer.content)
            else:
                med = statistics.median(times)
                budget = MONTH_REPORT_MS if label.startswith("report month") else BUDGET_MS
                mark = "  over budget" if med > budget else ""
                over += med > budget
                print(f"{label:40} {med:8.1f} {max(times):8.1f} {size:9,}{mark}", flush=True)
    return 1 if over else 0
