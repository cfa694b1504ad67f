"""A PostgreSQL group's writes in few round trips (central.pg_group, central.call_claim): a
call-next costs at most four on the writer's connection (it cost eight: its own savepoint and
release, the window's lock and read, the candidates, the claim, the audit row, the kept answer),
and a write whose held rows fail when they are sent is rolled back alone, leaving nothing."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from central import ticket_steps
from central import tickets as engine
from central import windows as window_steps
from central.idempotency import keep, post
from central.schema import audit, idempotency_keys, tickets
from tests.test_group_commit import together
from tests.test_queue_engine import clerk, ctx, signed_on_store

WINDOWS = (1, 2, 3, 4)


@pytest.fixture
def store(tmp_path: Path, pg_database: str) -> Iterator[Any]:
    with signed_on_store(tmp_path, pg_database, WINDOWS, tickets=12) as made:
        yield made


def kept(store: Any, no: int, key: str, step: Any) -> Any:
    """A write as the counter's hot path sends it: the step and its kept answer."""
    work = post(ctx(clerk(no)), key, f"/v1/windows/{no}/x", None, step)
    return lambda conn: keep(conn, store, work.actor, key, work.request_print, work.action)


def call_next(store: Any, no: int, key: str) -> Any:
    return kept(store, no, key, lambda conn, c: engine.call_next(conn, c, no))


class Trips:
    """Round trips on the connections checked out while `on`, counted from libpq's own trace
    of the messages sent: each Sync (the end of an extended-protocol batch) and each simple
    Query is one round trip."""

    def __init__(self, store: Any) -> None:
        self.on = False
        fd, name = tempfile.mkstemp(prefix="counter-trace-")
        os.close(fd)
        self.path = Path(name)
        self.file = self.path.open("w")
        event.listen(store.engine, "checkout", self._checkout)
        event.listen(store.engine, "checkin", self._checkin)
        self.store = store

    def _checkout(self, dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        if self.on:
            dbapi_conn.pgconn.trace(self.file.fileno())

    def _checkin(self, dbapi_conn: Any, _record: Any) -> None:
        if dbapi_conn.pgconn.trace is not None:
            dbapi_conn.pgconn.untrace()

    def count(self) -> int:
        self.file.flush()
        sent = [line.split("\t") for line in self.path.read_text().splitlines()]
        return sum(1 for f in sent if len(f) > 3 and f[1] == "F" and f[3] in ("Sync", "Query"))

    def close(self) -> None:
        event.remove(self.store.engine, "checkout", self._checkout)
        event.remove(self.store.engine, "checkin", self._checkin)
        self.file.close()
        self.path.unlink()


async def _trips_of_a_group(store: Any, windows: tuple[int, ...], tag: str) -> int:
    trips = Trips(store)
    try:
        trips.on = True
        outcomes = await together(store, *(call_next(store, no, f"{tag}{no}") for no in windows))
        trips.on = False
        assert [status for status, _body in outcomes] == [200] * len(windows), outcomes
        return trips.count()
    finally:
        trips.close()


@pytest.mark.backends("postgresql")
async def test_a_call_next_in_a_group_costs_four_round_trips(store: Any) -> None:
    """Two groups, of one call-next and of three: what a group costs (BEGIN, the events, the
    COMMIT) is the same in both, so the difference is two call-nexts' round trips."""
    one = await _trips_of_a_group(store, (1,), "one")
    three = await _trips_of_a_group(store, (2, 3, 4), "three")
    per_call = (three - one) / 2
    assert 0 < per_call <= 3, (one, three)


@pytest.mark.backends("postgresql")
async def test_a_write_whose_held_rows_fail_leaves_nothing_and_the_group_goes_on(
    store: Any,
) -> None:
    """A no-show sent again under a key already kept fails only when its held rows (its audit
    row, its kept answer) are sent: its ticket change and audit row are rolled back with it,
    and the call-next after it in the same group commits whole."""
    first = await together(store, call_next(store, 1, "k1"))
    ticket_id = int(json.loads(first[0][1])["id"])

    def no_show(conn: Any, c: Any) -> Any:
        return ticket_steps.no_show(conn, c, ticket_id)

    again, after = await together(store, kept(store, 1, "k1", no_show), call_next(store, 2, "k2"))
    assert isinstance(again, IntegrityError)
    assert after[0] == 200
    with store.read() as conn:
        status = conn.execute(select(tickets.c.status).where(tickets.c.id == ticket_id))
        assert status.scalar_one() == "called"  # the no-show was rolled back
        actions = conn.execute(select(audit.c.action, audit.c.object_id)).all()
        assert ("ticket.no_show", str(ticket_id)) not in actions
        assert sum(1 for a, _ in actions if a == "ticket.call") == 2
        keys = conn.execute(select(func.count()).select_from(idempotency_keys)).scalar_one()
        assert keys == 2  # k1 from the first call, k2 from the one after the failure
        called = conn.execute(select(tickets.c.window_no).where(tickets.c.status == "called"))
        assert sorted(called.scalars()) == [1, 2]


@pytest.mark.backends("postgresql")
def test_the_window_read_sent_with_its_lock_sees_what_the_lock_holder_committed(
    store: Any, pg_database: str
) -> None:
    """The window's lock and read go in one round trip, yet the read runs after the lock is
    held: while another transaction holds window 1 and calls a ticket there, window_state
    waits, then sees that ticket as the window's current one (a read taken before the wait
    would say the window is free, and a second ticket would be called to it)."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    other = create_engine(pg_database)
    seen: list[Any] = []
    with other.connect() as holder:
        holder.execute(text("SELECT no FROM windows WHERE no = 1 FOR UPDATE"))
        first = holder.execute(
            text("SELECT id, number FROM tickets WHERE status = 'waiting' ORDER BY id LIMIT 1")
        )
        ticket_id, number = first.one()
        holder.execute(
            text("UPDATE tickets SET status = 'called', window_no = 1 WHERE id = :id"),
            {"id": ticket_id},
        )

        def read() -> None:
            with store.write() as conn:
                seen.append(window_steps.window_state(conn, 1))

        reader = threading.Thread(target=read)
        reader.start()
        waiting = text("SELECT count(*) FROM pg_locks WHERE NOT granted")
        deadline = time.monotonic() + 10
        with other.connect() as look:
            while look.execute(waiting).scalar_one() == 0:
                assert time.monotonic() < deadline, "the read never waited for the lock"
                time.sleep(0.01)
        assert not seen  # held up by the lock
        holder.commit()
        reader.join(10)
    other.dispose()
    assert len(seen) == 1, seen
    assert (seen[0].current_number, seen[0].current_status) == (number, "called")
