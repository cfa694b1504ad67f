"""Call-next's claim on a real PostgreSQL: its reads stay bounded however many tickets wait, and
tickets other windows are claiming right now (locked, not yet committed) are passed over in call
order — past the first candidates, past the wider read, and past that through the full order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, insert, select, text

from central import call_claim, ticket_steps
from central import tickets as engine
from central import windows as window_steps
from central.errors import Conflict
from central.schema import tickets
from tests.test_queue_engine import KIOSK, T0, clerk, ctx, demo_store


@pytest.fixture
def store(tmp_path: Path, pg_database: str) -> Iterator[Any]:
    with demo_store(tmp_path, url=pg_database) as made:
        with made.write() as conn:
            window_steps.sign_on(conn, ctx(clerk(1)), 1)
        yield made


def _add_waiting(conn: Connection, queue: str, count: int, first: int) -> None:
    """`count` walk-in tickets waiting in `queue`, written in bulk (the read is under test here,
    not issuing), one second apart in arrival order."""
    rows = [
        {
            "number": f"{queue}{first + n:04d}",
            "issued_queue": queue,
            "queue_prefix": queue,
            "service_day": T0.date(),
            "seq": first + n,
            "kind": "walk_in",
            "status": "waiting",
            "issued_at": T0 + timedelta(seconds=first + n),
            "recall_count": 0,
        }
        for n in range(count)
    ]
    conn.execute(insert(tickets), rows)


def _pages_read(conn: Connection, stmt: Any) -> int:
    """Shared buffers the statement touches for window 1, from EXPLAIN (ANALYZE, BUFFERS)."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = {**compiled.params, "b_window": 1, "b_now": T0 + timedelta(hours=2)}
    sql = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled)
    plan = conn.exec_driver_sql(sql, params).scalar_one()
    top = (plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"]
    return int(top["Shared Hit Blocks"]) + int(top["Shared Read Blocks"])


def test_the_candidate_reads_do_not_grow_with_the_queue(store: Any) -> None:
    """At 300 and at 6,000 waiting, call-next's reads touch about the same pages (the form
    SQLite uses was planned here as a loop over every ticket: 264,083 pages at 6,000)."""
    pages: dict[int, list[int]] = {}
    for total in (300, 6000):
        with store.write() as conn:
            conn.execute(text("TRUNCATE tickets RESTART IDENTITY CASCADE"))
            _add_waiting(conn, "A", total // 2, 1)
            _add_waiting(conn, "B", total // 2, 1)
        with store.write() as conn:
            conn.execute(text("ANALYZE tickets"))
        with store.read() as conn:
            reads = (call_claim._PG_CANDIDATES, call_claim._PG_WIDER)
            pages[total] = [_pages_read(conn, stmt) for stmt in reads]
    for small, large in zip(pages[300], pages[6000], strict=True):
        assert large <= small + 20, pages
    assert max(pages[6000]) < 200, pages


def _locked(url: str, count: int) -> Any:
    """Another window's claims in flight: the first `count` waiting tickets in arrival order,
    locked FOR UPDATE by a transaction that stays open until the connection is closed."""
    db = create_engine(url)
    conn = db.connect()
    conn.begin()
    first = select(tickets.c.id).where(tickets.c.status == "waiting")
    first = first.order_by(tickets.c.issued_at, tickets.c.id).limit(count).with_for_update()
    ids = list(conn.execute(first).scalars())
    return db, conn, ids


@pytest.mark.parametrize("in_flight", [call_claim.CANDIDATES, 40, call_claim.WIDER + 5])
def test_tickets_being_claimed_elsewhere_are_passed_over_in_call_order(
    store: Any, pg_database: str, in_flight: int
) -> None:
    """With the first `in_flight` tickets locked by claims not yet committed, window 1 gets the
    next ones in call order; once those claims are let go, the first is its next again."""
    with store.write() as conn:
        issued = [engine.issue_ticket(conn, ctx(KIOSK), "A").id for _ in range(in_flight + 3)]
    db, other, locked = _locked(pg_database, in_flight)
    try:
        assert locked == issued[:in_flight]
        got = []
        for n in range(3):
            with store.write() as conn:
                ticket = engine.call_next(conn, ctx(clerk(1), T0 + timedelta(minutes=n)), 1)
                assert ticket is not None
                got.append(ticket.id)
                ticket_steps.no_show(conn, ctx(clerk(1), T0 + timedelta(minutes=n)), ticket.id)
        assert got == issued[in_flight:]
    finally:
        other.close()
        db.dispose()
    with store.write() as conn:
        again = engine.call_next(conn, ctx(clerk(1), T0 + timedelta(minutes=5)), 1)
        assert again is not None and again.id == issued[0]


def test_while_every_waiting_ticket_is_being_claimed_the_window_never_hears_nothing_waits(
    store: Any, pg_database: str
) -> None:
    """Every waiting ticket locked by claims in flight: "call again", never "nothing waits"."""
    with store.write() as conn:
        for _ in range(20):
            engine.issue_ticket(conn, ctx(KIOSK), "A")
    db, other, locked = _locked(pg_database, 20)
    try:
        assert len(locked) == 20
        with pytest.raises(Conflict, match="call again"), store.write() as conn:
            engine.call_next(conn, ctx(clerk(1)), 1)
    finally:
        other.close()
        db.dispose()


async def test_in_a_group_a_window_waiting_for_claims_elsewhere_holds_no_one_up(
    store: Any, pg_database: str
) -> None:
    """Inside a group transaction (central.group_commit) a call-next that finds every ticket
    being claimed elsewhere is put off to the next group instead of waiting in this one (its
    wait would keep the group's own claims, and so the other side's wait, open): the other
    writes of the group commit at once, and the call gets its ticket once the claims let go."""
    import asyncio

    from central.idempotency import keep, post

    with store.write() as conn:
        issued = [engine.issue_ticket(conn, ctx(KIOSK), "A").id for _ in range(5)]
    db, other, _locked_ids = _locked(pg_database, 5)
    group = store.group()

    def run(step: Any) -> Any:
        work = post(ctx(clerk(1)), None, "/test", None, step)
        return group.run(lambda conn: keep(conn, store, work.actor, None, "x", work.action), None)

    try:
        calling = asyncio.ensure_future(run(lambda conn, c: engine.call_next(conn, c, 1)))
        await asyncio.sleep(0.1)
        signing = run(lambda conn, c: window_steps.sign_on(conn, ctx(clerk(2)), 2))
        assert await asyncio.wait_for(signing, 5) == (204, "")  # not held up by the wait
        assert not calling.done()  # put off from group to group while the claims are open
    finally:
        other.close()
        db.dispose()
    status, body = await asyncio.wait_for(calling, 10)
    assert status == 200 and json.loads(body)["id"] == issued[0]
