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


def _claim_pages(conn: Connection, limit: int, plan: str) -> int:
    """Shared buffers window 1's read-and-claim touches (claiming; rolled back after), planned
    for these values ("custom") or for any ("generic", as a prepared statement is after its
    first runs)."""
    import re

    from psycopg.sql import Literal

    at = T0 + timedelta(hours=2)
    claim = {"c_status": "called", "c_window_no": 1, "c_staff_no": "c001", "c_called_at": at}
    values = {"b_window": 1, "b_now": at, "c_recall_count": 0, **claim}
    compiled = call_claim._pg_read_and_claim_stmt(limit).compile(dialect=conn.dialect)
    params = {**compiled.params, **values}
    names = list(dict.fromkeys(re.findall(r"%\((\w+)\)s", compiled.string)))
    prepared = re.sub(r"%\((\w+)\)s", lambda m: f"${names.index(m[1]) + 1}", compiled.string)
    conn.exec_driver_sql(f"SET plan_cache_mode = force_{plan}_plan")
    conn.exec_driver_sql(f"PREPARE claim AS {prepared}")
    driver = conn.connection.driver_connection
    args = ", ".join(Literal(params[name]).as_string(driver) for name in names)
    sql = f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE claim({args})"
    try:
        found = conn.exec_driver_sql(sql).scalar_one()
    finally:
        conn.rollback()  # the claim and the plan mode
        conn.exec_driver_sql("DEALLOCATE claim")
        conn.commit()
    top = (found if isinstance(found, list) else json.loads(found))[0]["Plan"]
    return int(top["Shared Hit Blocks"]) + int(top["Shared Read Blocks"])


@pytest.mark.parametrize("plan", ["custom", "generic"])
@pytest.mark.parametrize("analyzed", [True, False])
def test_the_read_and_claim_finds_its_pick_by_ticket_whatever_the_statistics(
    store: Any, analyzed: bool, plan: str
) -> None:
    """The read-and-claim takes its pick from the candidates it read, each looked up by id:
    at 6,000 waiting it touches about the pages it touches at 300, whether or not the table's
    statistics know how many wait (a fresh hall's burst runs before any ANALYZE), planned for
    its values or for any. A join of the candidates with tickets was planned as a scan of every
    waiting ticket."""
    pages: dict[int, list[int]] = {}
    for total in (300, 6000):
        with store.write() as conn:
            conn.execute(text("TRUNCATE tickets RESTART IDENTITY CASCADE"))
            conn.execute(text("ANALYZE tickets"))  # statistics of an empty table
            _add_waiting(conn, "A", total // 2, 1)
            _add_waiting(conn, "B", total // 2, 1)
        if analyzed:
            with store.write() as conn:
                conn.execute(text("ANALYZE tickets"))
        with store.read() as conn:
            limits = (call_claim.CANDIDATES, call_claim.WIDER)
            pages[total] = [_claim_pages(conn, limit, plan) for limit in limits]
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


def test_the_read_and_claim_claims_only_while_its_guard_holds(store: Any) -> None:
    """A guard that does not hold (window 1 is staffed by clerk 1, not clerk 2) claims nothing
    yet still says how many candidates it read; one that holds claims the first in call order."""
    from sqlalchemy import exists

    from central.direct_statement import DirectStatement
    from central.schema import windows

    def guarded(staff_no: str) -> Any:
        staffed = exists().where(windows.c.no == 1, windows.c.staff_no == staff_no)
        stmt = call_claim._pg_read_and_claim_stmt(call_claim.CANDIDATES, guard=staffed)
        return DirectStatement(stmt, ("b_window", "b_now", *call_claim._SET_NAMES))

    with store.write() as conn:
        issued = [engine.issue_ticket(conn, ctx(KIOSK), "A").id for _ in range(3)]
    at = T0 + timedelta(minutes=1)
    claim = ("called", 1, "1001", at, 0)  # as call_claim.CLAIMED names them
    with store.write() as conn:
        refused = guarded("1002").first(conn, 1, at, *claim)
        assert refused.id is None and getattr(refused, call_claim.FOUND) == 3
        taken = guarded("1001").first(conn, 1, at, *claim)
        assert taken.id == issued[0] and taken.status == "called"


def test_the_read_and_claim_locks_only_the_ticket_it_claims(store: Any, pg_database: str) -> None:
    """While one window's claim is open (not yet committed), every other candidate it read
    stays free for the other windows: only its pick was locked, not the candidates before it
    was found (a sort over the candidates before the lock would lock them all)."""
    from central.direct_statement import DirectStatement

    claim_stmt = DirectStatement(
        call_claim._pg_read_and_claim_stmt(call_claim.CANDIDATES),
        ("b_window", "b_now", *call_claim._SET_NAMES),
    )
    with store.write() as conn:
        issued = [engine.issue_ticket(conn, ctx(KIOSK), "A").id for _ in range(5)]
    at = T0 + timedelta(minutes=1)
    db = create_engine(pg_database)
    try:
        with db.connect() as claiming, db.connect() as other:
            taken = claim_stmt.first(claiming, 1, at, "called", 1, "1001", at, 0)
            assert taken.id == issued[0] and getattr(taken, call_claim.FOUND) == 5
            free = select(tickets.c.id).where(tickets.c.id.in_(issued[1:]))
            rows = other.execute(free.with_for_update(nowait=True)).scalars().all()
            assert sorted(rows) == issued[1:]  # none of them locked by the open claim
            other.rollback()
            claiming.rollback()
    finally:
        db.dispose()
