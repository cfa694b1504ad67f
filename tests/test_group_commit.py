"""Group commit (central.group_commit): writes that arrive together commit together,
yet each keeps its own outcome — a refused write is rolled back alone, a failed commit fails
them all, and each sees the writes before it, as if they had run one after another."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy import Connection, select, text

from central.context import SystemCtx
from central.errors import Conflict
from central.events import emit
from central.schema import events
from central.settings import utc_now
from tests.conftest import ClientFactory
from tests.waiting import until as _until

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def scratch(app: Any) -> Any:
    store = app.state.store
    with store.write() as conn:
        conn.exec_driver_sql("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(  # checked at COMMIT, not at the insert (both backends)
            "CREATE TABLE child (id INTEGER PRIMARY KEY, "
            "parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"
        )
        conn.exec_driver_sql("INSERT INTO parent VALUES (1)")
    return store


def rows(store: Any) -> list[int]:
    with store.read() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT id FROM child ORDER BY id")]


async def hold_writer(store: Any) -> tuple[threading.Event, asyncio.Future[Any]]:
    """A write that holds the writer until the returned event is set: what is queued meanwhile
    goes into the next group together."""
    taken, hold = threading.Event(), threading.Event()
    held = asyncio.ensure_future(
        store.group().run(lambda _c: (taken.set(), hold.wait(10), (200, ""))[2], None)
    )
    await _until(taken.is_set, "the writer to take the held write")
    return hold, held


async def together(store: Any, *keeps: Any) -> list[Any]:
    """Run the writes in one group: a write before them holds the writer until all are queued."""
    group = store.group()
    hold, held = await hold_writer(store)
    runs = [asyncio.ensure_future(group.run(k, None)) for k in keeps]
    await _until(lambda: len(group.waiting) == len(keeps), "the writes to queue")
    hold.set()
    await held
    return await asyncio.gather(*runs, return_exceptions=True)


def insert(child: int) -> Any:
    def keep(conn: Connection) -> tuple[int, str]:
        conn.execute(text("INSERT INTO child VALUES (:id, 1)"), {"id": child})
        seen = conn.execute(text("SELECT count(*) FROM child")).scalar_one()
        return 200, str(seen)

    return keep


def refused(conn: Connection) -> tuple[int, str]:
    conn.execute(text("INSERT INTO child VALUES (99, 1)"))
    emit(conn, SystemCtx(now=utc_now(), hall="t"), "queue.changed", queue="Z")
    raise Conflict("refused after writing", reason="test")


async def test_a_refused_write_is_rolled_back_alone(central_app: Any) -> None:
    store = scratch(central_app)
    got = await together(store, insert(1), refused, insert(2), insert(3))
    assert got[0] == (200, "1") and got[2:] == [(200, "2"), (200, "3")]  # each sees the last
    assert isinstance(got[1], Conflict)
    assert rows(store) == [1, 2, 3]  # 99 rolled back with its write alone
    with store.read() as conn:  # and its event with it (PostgreSQL stores them at the end)
        assert conn.execute(select(events.c.id).where(events.c.queue == "Z")).all() == []
    assert store.group().thread.is_alive()


async def test_a_failed_commit_fails_every_write_of_the_group(central_app: Any) -> None:
    store = scratch(central_app)

    def orphan(conn: Connection) -> tuple[int, str]:
        # Checked at COMMIT, not at the insert: the whole transaction fails there.
        conn.execute(text("INSERT INTO child VALUES (50, 7)"))
        return 200, ""

    got = await together(store, insert(1), orphan, insert(2))
    assert all(isinstance(g, Exception) for g in got), got  # none is reported done
    assert rows(store) == []
    assert await store.group().run(insert(4), None) == (200, "1")  # the writer goes on
    assert rows(store) == [4]


async def test_a_key_repeated_inside_one_group_replays_the_first_answer(
    make_client: ClientFactory, central_app: Any
) -> None:
    kiosk, clerk = await make_client("kiosk01"), await make_client("1001")
    first = await kiosk.issue_ticket("A")
    await kiosk.issue_ticket("A")
    await clerk.sign_on(1)
    store = central_app.state.store
    hold, held = await hold_writer(store)
    path = "/v1/windows/1/call-next"
    token = clerk.token or ""
    import httpx

    transport = httpx.ASGITransport(app=central_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as http:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "same"}
        both = [asyncio.ensure_future(http.post(path, headers=headers)) for _ in range(2)]
        await asyncio.sleep(0.1)
        hold.set()
        answers = await asyncio.gather(*both)
    await held
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["id"] == answers[1].json()["id"] == first.id
    assert (await clerk.ticket(first.id + 1)).status == "waiting"  # called once, not twice


async def test_a_big_group_answers_each_window_as_a_single_read_would(
    make_client: ClientFactory, central_app: Any
) -> None:
    from tests.bulk_tickets import issue_waiting

    url = str(central_app.state.store.engine.url.render_as_string(hide_password=False))
    issue_waiting(url, 36, queues=("A", "B", "C", "D", "E", "F"))
    clerks = [await make_client(f"10{n:02d}") for n in range(1, 15)]
    for no, clerk in enumerate(clerks, 1):
        await clerk.sign_on(no)
    store = central_app.state.store
    hold, held = await hold_writer(store)
    calls = [asyncio.ensure_future(c.call_next(no)) for no, c in enumerate(clerks, 1)]
    # All 14 queued behind the held write: one group (MANY_FROM 12).
    await _until(lambda: len(store.group().waiting) == 14, "the 14 calls to queue")
    hold.set()
    await held
    answers = await asyncio.gather(*calls)
    assert all(a is not None and a.at_window is not None for a in answers)
    figures = {a.at_window.queues.model_dump_json() for a in answers if a and a.at_window}
    assert len(figures) == 1  # read once for the group, as it stands after its commit
    for no, (clerk, answer) in enumerate(zip(clerks, answers, strict=True), 1):
        assert answer is not None and answer.at_window is not None
        assert answer.at_window.window == await clerk.window(no)
        assert answer.at_window.window.current_ticket is not None
        assert answer.at_window.window.current_ticket.id == answer.id


@pytest.mark.backends("postgresql")
async def test_a_write_caught_in_a_deadlock_runs_again_in_the_next_group(central_app: Any) -> None:
    """Another process's transaction and this group cross (row 1 then 2 against 2 then 1):
    PostgreSQL aborts one write; it is rolled back alone and runs again once the other has
    gone on, rather than failing the clerk's request."""
    store = central_app.state.store
    with store.write() as conn:
        conn.exec_driver_sql("CREATE TABLE lockme (id INTEGER PRIMARY KEY, n INTEGER)")
        conn.exec_driver_sql("INSERT INTO lockme VALUES (1, 0), (2, 0)")
    other = store.engine.connect()  # the other process: holds row 2, then wants row 1
    other.exec_driver_sql("UPDATE lockme SET n = n + 1 WHERE id = 2")

    def touch(row: int) -> Any:
        def keep(conn: Connection) -> tuple[int, str]:
            conn.execute(text("UPDATE lockme SET n = n + 1 WHERE id = :id"), {"id": row})
            return 200, str(row)

        return keep

    def waiting_for_locks() -> int:
        with store.engine.connect() as probe:
            sql = "SELECT count(*) FROM pg_locks WHERE NOT granted"
            return int(probe.exec_driver_sql(sql).scalar_one())

    group = store.group()
    hold, held = await hold_writer(store)
    runs = [asyncio.ensure_future(group.run(touch(row), None)) for row in (1, 2)]
    await _until(lambda: len(group.waiting) == 2, "the writes to queue")
    hold.set()
    await held
    await _until(lambda: waiting_for_locks() == 1, "the group to wait for row 2")

    def cross() -> None:  # row 1 is the group's: a deadlock, which PostgreSQL finds in ~1 s
        other.exec_driver_sql("UPDATE lockme SET n = n + 1 WHERE id = 1")
        other.commit()

    crossing = asyncio.ensure_future(asyncio.to_thread(cross))
    got = await asyncio.wait_for(asyncio.gather(*runs, return_exceptions=True), 15)
    await asyncio.wait_for(crossing, 15)
    other.close()
    assert got == [(200, "1"), (200, "2")]
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT id, n FROM lockme ORDER BY id").all() == [
            (1, 2),
            (2, 2),
        ]


def counted(keep: Any, runs: list[str], name: str) -> Any:
    def counting(conn: Connection) -> tuple[int, str]:
        runs.append(name)
        return keep(conn)  # type: ignore[no-any-return]

    return counting


def refused_first(conn: Connection) -> tuple[int, str]:
    conn.execute(text("SELECT count(*) FROM child")).scalar_one()
    raise Conflict("refused before writing", reason="test")


async def test_a_write_refused_before_writing_leaves_nothing_and_nothing_runs_twice(
    central_app: Any,
) -> None:
    """SQLite gives a write no savepoint of its own: one refused before it changed a row has
    nothing to undo, and the writes around it run once."""
    store = scratch(central_app)
    runs: list[str] = []
    keeps = [counted(k, runs, n) for k, n in ((insert(1), "1"), (refused_first, "x"))]
    got = await together(store, *keeps, counted(insert(2), runs, "2"))
    assert got[0] == (200, "1") and isinstance(got[1], Conflict) and got[2] == (200, "2")
    assert runs == ["1", "x", "2"]
    assert rows(store) == [1, 2]


async def test_a_write_refused_half_way_leaves_nothing_and_the_others_stand(
    central_app: Any,
) -> None:
    """One refused after changing rows: its rows and events go, the writes before it (run
    again on SQLite, from the same state) and after it are committed once, each seeing the
    ones before it."""
    store = scratch(central_app)
    runs: list[str] = []
    got = await together(
        store,
        counted(insert(1), runs, "1"),
        counted(insert(2), runs, "2"),
        counted(refused, runs, "x"),
        counted(insert(3), runs, "3"),
        counted(refused, runs, "y"),
    )
    assert got[:2] == [(200, "1"), (200, "2")] and got[3] == (200, "3")
    assert isinstance(got[2], Conflict) and isinstance(got[4], Conflict)
    assert rows(store) == [1, 2, 3]
    with store.read() as conn:
        assert conn.execute(select(events.c.id).where(events.c.queue == "Z")).all() == []
    if central_app.state.store.engine.dialect.name == "sqlite":
        assert runs == ["1", "2", "x", "1", "2", "3", "y", "1", "2", "3"]
    else:  # each in its savepoint
        assert runs == ["1", "2", "x", "3", "y"]


async def test_a_repeated_key_met_after_the_step_wrote_leaves_nothing_behind(
    make_client: ClientFactory, central_app: Any
) -> None:
    """A recall retried with its first key succeeds again as a step, then meets the kept key:
    the retry's recall count, audit row and event are all rolled back; the first answer is
    replayed."""
    import httpx

    from central.schema import audit

    kiosk, clerk = await make_client("kiosk01"), await make_client("1001")
    issued = await kiosk.issue_ticket("A")
    await clerk.sign_on(1)
    called = await clerk.call_next(1)
    assert called is not None and called.id == issued.id
    transport = httpx.ASGITransport(app=central_app)
    headers = {"Authorization": f"Bearer {clerk.token}", "Idempotency-Key": "recall-once"}
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as http:
        path = f"/v1/tickets/{issued.id}/recall"
        first = await http.post(path, headers=headers)
        again = await http.post(path, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["recall_count"] == again.json()["recall_count"] == 1
    assert (await clerk.ticket(issued.id)).recall_count == 1
    with central_app.state.store.read() as conn:
        recalls = conn.execute(select(audit.c.id).where(audit.c.action == "ticket.recall"))
        assert len(recalls.all()) == 1
        announced = select(events.c.id).where(
            events.c.type == "ticket.called", events.c.object_id == "recall"
        )
        assert len(conn.execute(announced).all()) == 1
