"""A PostgreSQL group's ticket steps read their tickets ahead (central.pg_step_ahead): one round
trip for all the reads, one for all the changes, the same outcomes as one by one — a second
step on the same ticket sees the first, a refused step changes nothing — and a run whose kept
answer fails goes again one by one, the failing step alone lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from central import ticket_steps as steps
from central.counter_answer import ticket_step
from central.errors import Forbidden, NotFound
from central.idempotency import keep, post
from central.schema import audit, tickets
from tests.test_pg_call_ahead import Call, issue, together
from tests.test_pg_group_trips import Trips
from tests.test_queue_engine import clerk, ctx, signed_on_store

WINDOWS = (1, 2, 3, 4)


@pytest.fixture
def store(tmp_path: Path, pg_database: str) -> Iterator[Any]:
    with signed_on_store(tmp_path, pg_database, WINDOWS) as made:
        yield made


class Step:
    """A ticket step as the counter's hot path sends it (see Call)."""

    def __init__(self, store: Any, by: int, ticket_id: int, step: Any, key: str) -> None:
        path = f"/v1/tickets/{ticket_id}/{step.__name__}"
        work = post(ctx(clerk(by)), key, path, None, ticket_step(ticket_id, step))
        self.ahead = work.ahead
        self.keep = lambda conn: keep(conn, store, work.actor, key, work.request_print, work.action)


async def called(store: Any, windows: tuple[int, ...], tag: str) -> dict[int, int]:
    """Each window calls its next ticket: window → ticket id."""
    got = await together(store, *(Call(store, no, f"{tag}{no}") for no in windows))
    return {
        no: int(json.loads(body)["id"]) for no, (_status, body) in zip(windows, got, strict=True)
    }


def status_of(store: Any, ticket_id: int) -> str:
    with store.read() as conn:
        found = select(tickets.c.status).where(tickets.c.id == ticket_id)
        return str(conn.execute(found).scalar_one())


def audited(store: Any, action: str) -> int:
    with store.read() as conn:
        found = select(func.count()).where(audit.c.action == f"ticket.{action}")
        return int(conn.execute(found).scalar_one())


@pytest.mark.backends("postgresql")
async def test_steps_in_a_group_cost_no_more_round_trips_than_one(store: Any) -> None:
    """Groups of one no-show and of three, twice over (the first round prepares the session's
    statements): three steps cost what one does."""
    issue(store, 16)
    counts = []
    for round_ in range(2):
        at = await called(store, WINDOWS, f"c{round_}-")
        for windows in ((1,), (2, 3, 4)):
            trips = Trips(store)
            try:
                trips.on = True
                got = await together(
                    store,
                    *(Step(store, no, at[no], steps.no_show, f"n{round_}-{no}") for no in windows),
                )
                trips.on = False
                assert [status for status, _ in got] == [200] * len(windows), got
                counts.append(trips.count())
            finally:
                trips.close()
        assert [status_of(store, t) for t in at.values()] == ["missed"] * 4, (at, got)
    assert counts[3] == counts[2], counts


@pytest.mark.backends("postgresql")
async def test_a_second_step_on_the_same_ticket_sees_the_first(store: Any) -> None:
    issue(store, 4)
    at = await called(store, (1, 2), "c")
    got = await together(
        store,
        Step(store, 1, at[1], steps.start, "s1"),
        Step(store, 2, at[2], steps.start, "s2"),
        Step(store, 1, at[1], steps.finish, "f1"),
    )
    assert [outcome[0] for outcome in got] == [200, 200, 200], got
    assert (status_of(store, at[1]), status_of(store, at[2])) == ("done", "serving")


@pytest.mark.backends("postgresql")
async def test_a_refused_step_changes_nothing_and_the_others_go_on(store: Any) -> None:
    issue(store, 4)
    at = await called(store, (1, 2, 3), "c")
    got = await together(
        store,
        Step(store, 1, at[1], steps.no_show, "a"),
        Step(store, 3, at[2], steps.no_show, "b"),  # window 3's clerk, window 2's ticket
        Step(store, 3, 10**9, steps.no_show, "c"),
        Step(store, 3, at[3], steps.start, "d"),
    )
    assert got[0][0] == 200 and got[3][0] == 200
    assert isinstance(got[1], Forbidden) and got[1].reason == "ticket_not_called_your_window"
    assert isinstance(got[2], NotFound) and got[2].reason == "no_ticket"
    assert [status_of(store, at[no]) for no in (1, 2, 3)] == ["missed", "called", "serving"]
    assert audited(store, "no_show") == 1


@pytest.mark.backends("postgresql")
async def test_a_run_whose_kept_answer_fails_goes_one_by_one_losing_only_that_step(
    store: Any,
) -> None:
    """Window 2's clerk no-shows under a key already kept for that same request: the step's
    change is made ahead, its kept answer fails when the run's rows are sent; the run goes
    again one by one, where that step alone fails and its ticket is as it was."""
    issue(store, 6)
    at = await called(store, (1, 2, 3), "c")
    first = await together(store, Step(store, 2, at[2], steps.no_show, "k2"))
    assert first[0][0] == 200
    with store.write() as conn:  # the ticket back at window 2, called, as before the no-show
        conn.execute(
            tickets.update()
            .where(tickets.c.id == at[2])
            .values(status="called", window_no=2, staff_no=clerk(2).staff_no)
        )
    got = await together(
        store,
        Step(store, 1, at[1], steps.no_show, "k1"),
        Step(store, 2, at[2], steps.no_show, "k2"),
        Step(store, 3, at[3], steps.no_show, "k3"),
    )
    assert got[0][0] == 200 and got[2][0] == 200
    assert isinstance(got[1], IntegrityError)
    assert [status_of(store, at[no]) for no in (1, 2, 3)] == ["missed", "called", "missed"]
    assert audited(store, "no_show") == 3  # the first k2, then k1 and k3


@pytest.mark.backends("postgresql")
async def test_a_device_s_step_is_not_read_ahead(store: Any) -> None:
    from tests.test_queue_engine import KIOSK

    work = post(ctx(KIOSK), "x", "/v1/tickets/1/no-show", None, ticket_step(1, steps.no_show))
    assert work.ahead is None
    assert Step(store, 1, 1, steps.no_show, "y").ahead is not None


@pytest.mark.backends("postgresql")
async def test_a_ticket_changed_after_its_read_sends_the_run_one_by_one(
    store: Any, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another instance starts window 2's ticket after this run read it and before the run's
    compare-and-sets go: that compare-and-set changes nothing, the run goes again one by one,
    where the no-show on the started ticket is refused and the others go through."""
    from sqlalchemy import create_engine, text

    from central import pg_step_ahead
    from central.errors import Conflict

    issue(store, 4)
    at = await called(store, (1, 2, 3), "c")
    other = create_engine(pg_database)
    real_read = pg_step_ahead.read_ahead

    def read_then_other_starts(conn: Any, items: Any) -> Any:
        rows = real_read(conn, items)
        with other.begin() as elsewhere:
            elsewhere.execute(
                text("UPDATE tickets SET status = 'serving' WHERE id = :id"), {"id": at[2]}
            )
        return rows

    monkeypatch.setattr(pg_step_ahead, "read_ahead", read_then_other_starts)
    got = await together(
        store,
        *(Step(store, no, at[no], steps.no_show, f"n{no}") for no in (1, 2, 3)),
    )
    other.dispose()
    assert got[0][0] == 200 and got[2][0] == 200
    assert isinstance(got[1], Conflict)
    assert [status_of(store, at[no]) for no in (1, 2, 3)] == ["missed", "serving", "missed"]
    assert audited(store, "no_show") == 2
