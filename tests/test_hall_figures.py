"""The queue and window figures every counter answer carries (central.hall: one read for the
queues, index ranges instead of every ticket) equal a recount of the tickets made here, on
both backends: waiting now and the longest wait, issued today, finished today per queue and
per window — with finish times on and around the hall day's edges (00:00 UTC+8) — and each
window's current and held tickets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select

from central.hall import queue_figures, window_models
from central.schema import events, queues, ticket_sequences, tickets, windows
from tests.conftest import FakeClock

pytestmark = pytest.mark.backends("sqlite", "postgresql")

UTC8 = timezone(timedelta(hours=8))
US = timedelta(microseconds=1)

# A ticket: queue, status, window (index into the hall's windows), when it was issued and,
# for a finished one, when it finished — as hours from the start of today in the hall, plus
# an offset of -1, 0 or +1 microsecond so the day's edges are met exactly.
ticket = st.tuples(
    st.sampled_from([0, 1, 2]),
    st.sampled_from(["waiting", "waiting", "called", "serving", "held", "done", "done", "missed"]),
    st.integers(0, 3),
    st.integers(-30, 20),  # issued, hours from today's start
    st.sampled_from([-24, 0, 24, 3, 10]),  # finished, hours from today's start (edges: -24/0/24)
    st.sampled_from([-1, 0, 1]),
)


def today_start(now: datetime) -> datetime:
    local = now.astimezone(UTC8)
    return datetime(local.year, local.month, local.day, tzinfo=UTC8).astimezone(timezone.utc)


def recount(made: list[dict[str, Any]], prefixes: list[str], now: datetime) -> dict[str, Any]:
    start = today_start(now)
    end = start + timedelta(days=1)
    finished_today = [r for r in made if r["status"] == "done" and start <= r["finished_at"] < end]
    figures: dict[str, Any] = {}
    for p in prefixes:
        waiting = [
            r["issued_at"] for r in made if r["status"] == "waiting" and r["queue_prefix"] == p
        ]
        oldest = min(waiting) if waiting else None
        figures[p] = (
            len(waiting),
            max(0, int((now - oldest).total_seconds())) if oldest else 0,
            sum(1 for r in finished_today if r["queue_prefix"] == p),
        )
    figures["windows"] = {
        no: sum(1 for r in finished_today if r["window_no"] == no)
        for no in {r["window_no"] for r in made}
    }
    return figures


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    made=st.lists(ticket, max_size=40), issued=st.lists(st.integers(0, 500), min_size=3, max_size=3)
)
def test_the_answers_figures_equal_a_recount(
    central_app: Any, clock: FakeClock, made: list[Any], issued: list[int]
) -> None:
    store = central_app.state.store
    now = clock()
    start = today_start(now)
    today = now.astimezone(UTC8).date()
    with store.write() as conn:
        prefixes = list(conn.execute(select(queues.c.prefix).order_by(queues.c.prefix)).scalars())[
            :3
        ]
        window_nos = list(conn.execute(select(windows.c.no).order_by(windows.c.no)).scalars())[:4]
        conn.execute(delete(tickets))
        conn.execute(delete(ticket_sequences))
        rows = []
        for n, (q, status, w, issued_h, finished_h, edge_us) in enumerate(made, start=1):
            prefix = prefixes[q % len(prefixes)]
            at_window = status != "waiting"
            finished = start + timedelta(hours=finished_h) + edge_us * US
            rows.append({
                "number": f"{prefix}{n:03d}", "issued_queue": prefix, "queue_prefix": prefix,
                "service_day": today, "seq": n, "kind": "walk_in", "status": status,
                "issued_at": start + timedelta(hours=issued_h) + edge_us * US,
                "finished_at": finished if status == "done" else None,
                "window_no": window_nos[w] if at_window else None,
                "recall_count": 0,
            })  # fmt: skip
        if rows:
            conn.execute(insert(tickets), rows)
        # Today's numbering for each queue, and yesterday's (which must not count).
        for prefix, last in zip(prefixes, issued, strict=False):
            for day, seq in ((today, last), (today - timedelta(days=1), last + 7)):
                conn.execute(
                    insert(ticket_sequences),
                    {"queue_prefix": prefix, "service_day": day, "last_seq": seq},
                )
    expected = recount(rows, prefixes, now)
    with store.read() as conn:
        figures, event_id = queue_figures(conn, now)
        newest = conn.execute(select(func.max(events.c.id))).scalar() or 0
        shown = {w.no: w for w in window_models(conn, now)}
        one = {no: window_models(conn, now, only=no)[0] for no in window_nos}
    assert event_id == newest
    by_prefix = {q.prefix: q for q in figures.queues}
    for prefix, last in zip(prefixes, issued, strict=False):
        q = by_prefix[prefix]
        assert (q.waiting, q.longest_wait_s, q.served_today) == expected[prefix]
        assert q.issued_today == last
    for no in window_nos:
        served = expected["windows"].get(no, 0)
        mine = [r for r in rows if r["window_no"] == no]
        current = [r["number"] for r in mine if r["status"] in ("called", "serving")]
        held = sorted(r["number"] for r in mine if r["status"] == "held")
        for w in (shown[no], one[no]):
            assert w.served_today == served
            assert sorted(t.number for t in w.held) == held
            assert (w.current_ticket.number if w.current_ticket else None) in (current or [None])


def test_a_day_without_tickets_counts_nothing(central_app: Any, clock: FakeClock) -> None:
    store = central_app.state.store
    with store.write() as conn:
        conn.execute(delete(tickets))
        conn.execute(delete(ticket_sequences))
    with store.read() as conn:
        figures, _ = queue_figures(conn, clock())
    assert figures.queues
    for q in figures.queues:
        assert (q.waiting, q.longest_wait_s, q.issued_today, q.served_today) == (0, 0, 0, 0)
