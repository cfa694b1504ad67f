"""Day and month reports against figures computed here from what the test itself did; the CSV
(BOM, formula-safe); `counter report` against a served central (exit 0 and the file, or one
line saying why not)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from client.rating_models import RatingRequest
from client.supervisor_models import CallbackRecord
from counter.core.report_csv import cell, report_csv
from tests.conftest import ClientFactory, FakeClock
from tests.hall_data import serve

ROOT = Path(__file__).resolve().parent.parent


def nearest_rank_p90(values: list[float]) -> int:
    ordered = sorted(values)
    k = 0
    while (k + 1) / len(ordered) < 0.9:
        k += 1
    return round(ordered[k])


async def test_day_and_month_match_what_happened(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    kiosk, clerk, pad, boss = (
        await make_client("kiosk01"),
        await make_client("1001"),
        await make_client("pad01"),
        await make_client("2001"),
    )
    await clerk.sign_on(1)
    waits, handles, levels = [], [], [5, 4, 2, 3, 1, 5, 5, 4, 3, 2]
    for n in range(10):
        ticket = await kiosk.issue_ticket("A")
        clock.advance(seconds=60 * (n + 1))  # waits 60 s, 120 s … 600 s
        waits.append(60.0 * (n + 1))
        await clerk.call_next(1)
        await clerk.start(ticket.id)
        clock.advance(seconds=30 * (n + 2))
        handles.append(30.0 * (n + 2))
        await clerk.finish(ticket.id)
        await pad.post_rating(RatingRequest(ticket_id=ticket.id, level=levels[n]))
    missed = await kiosk.issue_ticket("A")
    await clerk.call_next(1)
    await clerk.no_show(missed.id)
    waits.append(0.0)  # called at once, then missed: a wait, no handling
    await serve(kiosk, clerk, 1, "13900000001")  # an 11th service, with a case and a phone
    waits.append(0.0)
    day = await boss.draw_callbacks()
    unhappy = CallbackRecord(reached=True, satisfied=False, open_rectification=True)
    await boss.record_callback(day.callbacks[0].id, unhappy)
    await boss.verify_callback(day.callbacks[0].id, "upheld", "属实")
    report = await boss.report("day")
    a = next(q for q in report.queues if q.prefix == "A")
    assert (a.issued, a.served, a.no_show) == (12, 11, 1)
    assert a.wait_avg_s == round(sum(waits) / len(waits))
    assert a.wait_p90_s == nearest_rank_p90(waits)
    done_handles = [*handles, 0.0]  # serve() finishes at once
    assert a.handle_avg_s == round(sum(done_handles) / 11)
    assert a.handle_p90_s == nearest_rank_p90(done_handles)
    me = next(c for c in report.clerks if c.staff_no == "1001")
    assert (me.served, me.rated, me.bad) == (11, 10, 3)
    assert me.satisfaction == 7 / 10
    r = report.ratings
    assert (r.rated, r.satisfied, r.bad, r.pending) == (10, 7, 3, 3)
    assert [(c.item_code, c.accept, c.notice) for c in report.cases] == [("GJ-001", 1, 0)]
    cb = report.callbacks
    # ⌈10 % of 11⌉ = 2 wanted, but only one citizen left a phone.
    assert (cb.finished, cb.drawn, cb.recorded, cb.dissatisfied) == (11, 1, 1, 1)
    assert (cb.to_review, cb.upheld, cb.rectified) == (1, 1, 0)  # in the 差评 loop
    # The month holds this day and nothing else.
    month = await boss.report("month")
    assert month.first_day.day == 1 and month.queues == report.queues
    assert sum(d.served for d in month.days) == 11
    # Tomorrow's day report is empty.
    clock.advance(days=1)
    boss2 = await make_client("2001")
    assert (await boss2.report("day")).queues == []
    # CSV: sections in the user's language, every cell data.
    text = report_csv(report)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0].startswith("Day report")
    assert rows[3][:3] == ["Queue", "Name", "Issued"]
    assert rows[4][:5] == ["A", "综合受理", "12", "11", "1"]


def test_cells_are_never_formulas() -> None:
    assert cell("=SUM(A1:A9)") == "'=SUM(A1:A9)"
    assert cell("+86 139") == "'+86 139"
    assert cell("a\x1b[31mb") == "a [31mb"
    assert cell(None) == ""


def test_counter_report_against_a_served_central(
    served: tuple[str, Any],
    tmp_path: Path,
) -> None:
    url, _process = served
    out = tmp_path / "day.csv"
    env = {**os.environ, "COUNTER_PASSWORD": "counter", "COUNTER_CONFIG": str(tmp_path / "no")}
    base = [sys.executable, "-m", "counter", "--url", url, "--lang", "en", "report"]
    done = subprocess.run(
        [*base, "day", "--as", "2001", "--csv", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    assert "Tickets and waits per queue" in raw.decode("utf-8-sig")
    bad = subprocess.run(
        [*base, "month", "--as", "2001", "--date", "2026-13-01"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert "YYYY-MM-DD" in bad.stderr
    wrong = subprocess.run(
        [*base, "day", "--as", "1001"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1
