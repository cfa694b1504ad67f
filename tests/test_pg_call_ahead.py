"""A PostgreSQL group's call-nexts read and claim ahead (central.pg_call_ahead): one round trip
for all their windows and claims, the same outcomes as one by one — a window's second call is
refused, a paused or someone else's window claims nothing, "nothing waits" only when nothing
does — and a run whose held rows fail goes again one by one, the failing call alone lost."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from central import ticket_steps
from central import tickets as engine
from central import windows as window_steps
from central.errors import Conflict, Forbidden, NotFound
from central.idempotency import keep, post
from central.routes.windows import _calling
from central.schema import audit, idempotency_keys, tickets
from tests.test_group_commit import _until, hold_writer
from tests.test_pg_group_trips import Trips
from tests.test_queue_engine import BOSS, KIOSK, clerk, ctx, signed_on_store

WINDOWS = (1, 2, 3, 4)


@pytest.fixture
def store(tmp_path: Path, pg_database: str) -> Iterator[Any]:
    with signed_on_store(tmp_path, pg_database, WINDOWS) as made:
        yield made


def issue(store: Any, count: int) -> None:
    with store.write() as conn:
        for _ in range(count):
            engine.issue_ticket(conn, ctx(KIOSK), "A")


class Call:
    """A clerk's call-next as the counter's hot path sends it: its step with its kept answer,
    and what the writer may read ahead for it."""

    def __init__(self, store: Any, no: int, key: str, *, by: int | None = None) -> None:
        work = post(ctx(clerk(by or no)), key, f"/v1/windows/{no}/call-next", None, _calling(no))
        self.ahead = work.ahead
        self.keep = lambda conn: keep(conn, store, work.actor, key, work.request_print, work.action)


async def together(store: Any, *calls: Call) -> list[Any]:
    """The calls in one group: a write before them holds the writer until all are queued."""
    group = store.group()
    hold, held = await hold_writer(store)
    runs = [asyncio.ensure_future(group.run(c.keep, None, c.ahead)) for c in calls]
    await _until(lambda: len(group.waiting) == len(calls), "the calls to queue")
    hold.set()
    await held
    return await asyncio.gather(*runs, return_exceptions=True)


def called_at(store: Any) -> list[tuple[int, str]]:
    with store.read() as conn:
        found = select(tickets.c.window_no, tickets.c.number).where(tickets.c.status == "called")
        return sorted(conn.execute(found).tuples())


def audited_calls(store: Any) -> int:
    with store.read() as conn:
        found = select(func.count()).where(audit.c.action == "ticket.call")
        return int(conn.execute(found).scalar_one())


@pytest.mark.backends("postgresql")
def test_only_a_clerks_call_next_goes_ahead(store: Any) -> None:
    assert Call(store, 1, "c").ahead is not None
    for actor in (BOSS, KIOSK):  # a supervisor may call anywhere: one by one, as before
        assert post(ctx(actor), "s", "/v1/windows/1/call-next", None, _calling(1)).ahead is None


def free_windows(store: Any) -> None:
    """Every called ticket marked no-show: the windows are free to call again."""
    with store.write() as conn:
        found = select(tickets.c.id, tickets.c.window_no).where(tickets.c.status == "called")
        for ticket_id, no in conn.execute(found).all():
            ticket_steps.no_show(conn, ctx(clerk(no)), ticket_id)


@pytest.mark.backends("postgresql")
async def test_a_group_of_call_nexts_costs_no_more_round_trips_than_one(store: Any) -> None:
    """Groups of one call and of three, twice over: the first time round, the session
    prepares its statements (a round trip each, once); the second time, three calls cost what
    one does — BEGIN, the reads and claims, the held rows, the events, COMMIT."""
    issue(store, 16)
    counts = []
    for round_ in range(2):
        for windows in ((1,), (2, 3, 4)):
            trips = Trips(store)
            try:
                trips.on = True
                calls = (Call(store, no, f"{round_}-{no}") for no in windows)
                got = await together(store, *calls)
                trips.on = False
                assert [status for status, _ in got] == [200] * len(windows), got
                counts.append(trips.count())
            finally:
                trips.close()
        assert [no for no, _ in called_at(store)] == [1, 2, 3, 4]
        free_windows(store)
    assert counts[2] == counts[3], counts


@pytest.mark.backends("postgresql")
async def test_a_windows_second_call_in_the_group_is_refused_as_one_by_one(store: Any) -> None:
    issue(store, 4)
    got = await together(store, Call(store, 1, "a"), Call(store, 2, "b"), Call(store, 1, "c"))
    assert got[0][0] == 200 and got[1][0] == 200
    assert isinstance(got[2], Conflict) and got[2].reason == "window_has_called_ticket"
    first = json.loads(got[0][1])["number"]
    assert got[2].params == {"number": first}
    assert [no for no, _ in called_at(store)] == [1, 2]
    assert audited_calls(store) == 2


@pytest.mark.backends("postgresql")
async def test_a_paused_someone_elses_or_no_window_claims_nothing(store: Any) -> None:
    issue(store, 4)
    with store.write() as conn:
        window_steps.pause(conn, ctx(clerk(2)), 2, "break")
    got = await together(
        store,
        Call(store, 1, "a"),
        Call(store, 2, "b"),
        Call(store, 3, "c", by=4),
        Call(store, 999, "d", by=1),
    )
    assert got[0][0] == 200
    assert isinstance(got[1], Conflict) and got[1].reason == "window_paused_with_reason"
    assert isinstance(got[2], Forbidden) and got[2].reason == "window_held_by_other"
    assert isinstance(got[3], NotFound) and got[3].reason == "no_window_hall"
    assert [no for no, _ in called_at(store)] == [1]
    assert audited_calls(store) == 1
    with store.read() as conn:  # a refused call keeps no answer under its key
        keys = conn.execute(select(idempotency_keys.c.key)).scalars().all()
    assert keys == ["a"]


@pytest.mark.backends("postgresql")
async def test_nothing_waits_only_when_nothing_waits(store: Any) -> None:
    issue(store, 2)
    got = await together(store, *(Call(store, no, f"k{no}") for no in (1, 2, 3)))
    assert [outcome[0] for outcome in got] == [200, 200, 204]
    assert [no for no, _ in called_at(store)] == [1, 2]


@pytest.mark.backends("postgresql")
async def test_a_run_whose_kept_answer_fails_goes_one_by_one_losing_only_that_call(
    store: Any,
) -> None:
    """Window 1 calls again under the key its first call kept, its window free meanwhile: its
    claim is made ahead, but its kept answer fails when the run's rows are sent. The run goes
    again one by one: that call fails alone (its ticket still waits), the others commit."""
    issue(store, 6)
    first = await together(store, Call(store, 1, "k1"))
    ticket_id = int(json.loads(first[0][1])["id"])
    with store.write() as conn:
        ticket_steps.no_show(conn, ctx(clerk(1)), ticket_id)
    with store.read() as conn:
        waiting_before = conn.execute(
            select(func.min(tickets.c.id)).where(tickets.c.status == "waiting")
        ).scalar_one()
    got = await together(store, Call(store, 2, "k2"), Call(store, 1, "k1"), Call(store, 3, "k3"))
    assert got[0][0] == 200 and got[2][0] == 200
    assert isinstance(got[1], IntegrityError)
    assert [no for no, _ in called_at(store)] == [2, 3]
    with store.read() as conn:
        status = conn.execute(select(tickets.c.status).where(tickets.c.id == waiting_before))
        # The first waiting ticket went to window 2 (arrival order kept after the undo).
        assert status.scalar_one() == "called"
        keys = conn.execute(select(idempotency_keys.c.key).order_by(idempotency_keys.c.key))
        assert keys.scalars().all() == ["k1", "k2", "k3"]
    assert audited_calls(store) == 3  # k1's first call, k2, k3


@pytest.mark.backends("postgresql")
async def test_calls_whose_tickets_another_process_is_claiming_are_put_off_not_undone(
    store: Any, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every waiting ticket is locked by another session (another instance's claims, not yet
    committed): the read-ahead calls claim nothing, are put off to the next group without
    taking the run back, and get their tickets once that session is done."""
    import threading

    from sqlalchemy import create_engine, text

    from central import pg_group

    issue(store, 3)
    undone: list[int] = []
    real_undo = pg_group._undo
    monkeypatch.setattr(
        pg_group,
        "_undo",
        lambda *a: undone.append(1) or real_undo(*a),  # type: ignore[func-returns-value]
    )
    other = create_engine(pg_database)
    with other.connect() as holder:
        holder.execute(text("SELECT id FROM tickets WHERE status = 'waiting' FOR UPDATE"))
        threading.Timer(0.3, holder.commit).start()
        got = await together(store, Call(store, 1, "a"), Call(store, 2, "b"))
    other.dispose()
    assert [outcome[0] for outcome in got] == [200, 200], got
    assert [no for no, _ in called_at(store)] == [1, 2]
    assert undone == []
