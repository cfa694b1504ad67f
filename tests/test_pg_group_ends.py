"""The two steps that end every PostgreSQL group of counter writes, in few round trips and
statements: storing the group's events at its commit (the order lock, the NOTIFY and every
row: one statement, however many events) and the answering read after it (the queue figures
and the windows: one round trip), with the same events in the same id order and the same
answers, byte for byte, as the reads made one by one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from central import tickets as engine
from central.context import SystemCtx
from central.counter_answer import _Kept, complete
from central.events import emit, emit_many, store_pending
from central.group_commit import FIGURES, MANY
from central.hall import queue_figures, window_models
from central.schema import events
from central.store import BEFORE_COMMIT
from client.models import AtWindow
from tests.test_queue_engine import T0, clerk, ctx, signed_on_store

pytestmark = pytest.mark.backends("postgresql")

WINDOWS = tuple(range(1, 15))


class Sent:
    """What one connection sends while traced (libpq's own trace of the messages): each Sync
    (the end of an extended-protocol batch) and each simple Query is a round trip; each Bind
    and each simple Query a statement."""

    def __init__(self, trace: Path) -> None:
        messages = [line.split("\t") for line in trace.read_text().splitlines()]
        sent = [m[3] for m in messages if len(m) > 3 and m[1] == "F"]
        self.trips = sum(1 for m in sent if m in ("Sync", "Query"))
        self.statements = sum(1 for m in sent if m in ("Bind", "Query"))


@contextmanager
def traced(conn: Any) -> Iterator[list[Sent]]:
    fd, name = tempfile.mkstemp(prefix="counter-trace-")
    found: list[Sent] = []
    pgconn = conn.connection.driver_connection.pgconn
    try:
        pgconn.trace(fd)
        yield found
    finally:
        pgconn.untrace()
        os.close(fd)
        found.append(Sent(Path(name)))
        os.unlink(name)


@pytest.fixture
def store(tmp_path: Path, pg_database: str) -> Iterator[Any]:
    with signed_on_store(tmp_path, pg_database, WINDOWS, tickets=40) as made:
        with made.write() as conn:
            for no in WINDOWS[:6]:
                engine.call_next(conn, ctx(clerk(no)), no)
        yield made


# --- the events at the commit ---------------------------------------------------------------


def _emitted(n: int) -> list[tuple[str, dict[str, Any]]]:
    """Events of every shape a group writes: nulls, big ticket ids, windows, object ids."""
    shapes: list[tuple[str, dict[str, Any]]] = [
        ("ticket.called", {"queue": "A", "ticket_id": 2**40 + 1, "window_no": 7}),
        ("queue.changed", {"queue": "B"}),
        ("window.changed", {"window_no": 70000}),
        ("escalation.changed", {"object_id": "FY-2026-0001"}),
    ]
    return [(type_, {**fields, "window_no": fields.get("window_no"), "n": i})
            for i in range(n) for type_, fields in [shapes[i % len(shapes)]]]  # fmt: skip


def test_a_groups_events_are_one_statement_in_one_round_trip_in_their_order(store: Any) -> None:
    now = T0 + timedelta(minutes=5)
    happening = SystemCtx(now=now, hall="demo")
    wanted = _emitted(250)
    with store.write() as conn:
        start = conn.execute(select(events.c.id).order_by(events.c.id.desc())).scalar() or 0
        for type_, fields in wanted[:3]:  # single events and batches, as the steps emit them
            emit(conn, happening, type_, **{k: v for k, v in fields.items() if k != "n"})
        emit_many(
            conn, happening, [(t, {k: v for k, v in f.items() if k != "n"}) for t, f in wanted[3:]]
        )
        assert conn.execute(select(events.c.id).where(events.c.id > start)).first() is None
        with traced(conn) as sent:
            store_pending(conn)  # what the commit runs last
    assert (sent[0].trips, sent[0].statements) == (1, 1)
    with store.read() as conn:
        rows = conn.execute(select(events).where(events.c.id > start).order_by(events.c.id)).all()
    assert [r.id for r in rows] == list(range(rows[0].id, rows[0].id + 250))
    got = [(r.type, r.queue, r.ticket_id, r.window_no, r.object_id, r.hall, r.at) for r in rows]
    assert got == [
        (t, f.get("queue"), f.get("ticket_id"), f["window_no"], f.get("object_id"), "demo", now)
        for t, f in wanted
    ]


def test_the_events_go_with_the_commit_in_one_round_trip(store: Any) -> None:
    """A write that only emits: BEGIN, then the events and the COMMIT together (three round
    trips before: BEGIN, the events, the COMMIT); the events are stored and streams woken."""
    happening = SystemCtx(now=T0, hall="demo")
    fd, name = tempfile.mkstemp(prefix="counter-trace-")
    version = store.notifier.version
    with store.write() as conn:
        pgconn = conn.connection.driver_connection.pgconn
        pgconn.trace(fd)
        emit_many(conn, happening, [("window.changed", {"window_no": n}) for n in (1, 2, 3)])
    pgconn.untrace()
    os.close(fd)
    sent = Sent(Path(name))
    os.unlink(name)
    assert (sent.trips, sent.statements) == (2, 3)
    assert store.notifier.version == version + 1  # this process's streams woken
    with store.read() as conn:
        rows = conn.execute(select(events.c.window_no).order_by(events.c.id)).scalars().all()
    assert rows[-3:] == [1, 2, 3]


def test_a_step_after_the_events_runs_before_the_commit_and_can_undo_them(store: Any) -> None:
    """The COMMIT goes with the events only when they are the last step: a step after them
    still runs in the transaction, and its failure leaves no event stored."""
    happening = SystemCtx(now=T0, hall="demo")
    with store.read() as conn:
        before = conn.execute(select(events.c.id).order_by(events.c.id.desc())).scalar()

    def fails(conn: Any) -> None:
        raise RuntimeError("a later step failed")

    with pytest.raises(RuntimeError, match="a later step failed"), store.write() as conn:
        emit(conn, happening, "queue.changed", queue="A")
        conn.info[BEFORE_COMMIT].append(fails)
    with store.read() as conn:
        after = conn.execute(select(events.c.id).order_by(events.c.id.desc())).scalar()
    assert after == before


def test_no_event_takes_its_id_before_the_order_lock_is_held(store: Any, pg_database: str) -> None:
    """While another transaction holds the order lock, a write's events statement waits for
    it without having drawn a single id from the sequence (ids drawn before the lock could
    commit after a later id: a stream past that id would lose them)."""
    import threading
    import time

    from sqlalchemy import create_engine, text

    happening = SystemCtx(now=T0, hall="demo")
    other = create_engine(pg_database)
    sequence = text("SELECT last_value FROM pg_sequences WHERE sequencename = 'events_id_seq'")
    waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
    done: list[BaseException | None] = []

    def write() -> None:
        try:
            with store.write() as conn:
                emit_many(conn, happening, [("window.changed", {"window_no": n}) for n in (4, 5)])
            done.append(None)
        except BaseException as error:
            done.append(error)

    with other.connect() as holder, other.connect() as look:
        look.execution_options(isolation_level="AUTOCOMMIT")
        holder.execute(text("SELECT pg_advisory_xact_lock(7031066)"))
        drawn = look.execute(sequence).scalar()
        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 10
        while look.execute(waiting).scalar_one() == 0:
            assert time.monotonic() < deadline, "the events never waited for the lock"
            time.sleep(0.01)
        assert look.execute(sequence).scalar() == drawn  # no id drawn while it waits
        holder.commit()
        writer.join(10)
    other.dispose()
    assert done == [None]
    with store.read() as conn:
        rows = conn.execute(select(events.c.id, events.c.window_no).order_by(events.c.id)).all()
    assert [w for _, w in rows[-2:]] == [4, 5]
    assert rows[-2][0] == (drawn or 0) + 1


def test_a_write_outside_a_group_stores_its_events_at_once_in_order(store: Any) -> None:
    """A transaction not opened by Store.write takes the lock and the ids at each emit."""
    happening = SystemCtx(now=T0, hall="demo")
    with store.engine.begin() as conn:
        emit(conn, happening, "queue.changed", queue="A")
        emit_many(conn, happening, [("window.changed", {"window_no": n}) for n in (3, 1, 2)])
        rows = conn.execute(select(events.c.type, events.c.window_no).order_by(events.c.id))
        assert rows.all()[-4:] == [
            ("queue.changed", None),
            ("window.changed", 3),
            ("window.changed", 1),
            ("window.changed", 2),
        ]


# --- the answering read ---------------------------------------------------------------------


def _kept(store: Any, no: int) -> str:
    """A call-next's kept answer at window `no` (its current ticket, or any ticket)."""
    with store.read() as conn:
        window = window_models(conn, T0, only=no)[0]
        ticket = window.current_ticket
        if ticket is None:
            ticket = engine.get_ticket(conn, 1)
    return _Kept(**ticket.model_dump(), answer_window=no).model_dump_json()


def _one_by_one(store: Any, kept: str, no: int) -> str:
    """The answer as the reads one by one make it: the figures, then the window."""
    from pydantic_core import from_json, to_json

    with store.read() as conn:
        queues, event_id = queue_figures(conn, T0)
        window = next(w for w in window_models(conn, T0) if w.no == no)
    ticket = from_json(kept)
    ticket.pop("answer_window")
    ticket.pop("at_window", None)
    ticket["at_window"] = AtWindow(window=window, queues=queues, event_id=event_id)
    return to_json(ticket, by_alias=False).decode()


def _answer(store: Any, kept: dict[int, str], once: dict[Any, Any] | None) -> tuple[Any, Sent]:
    with store.read() as conn:
        if once is not None:
            conn.info[FIGURES] = once
        with traced(conn) as sent:
            answers = {no: complete(conn, T0, body) for no, body in kept.items()}
        conn.info.pop(FIGURES, None)
    return answers, sent[0]


def test_a_big_groups_answers_are_one_round_trip(store: Any) -> None:
    kept = {no: _kept(store, no) for no in WINDOWS}
    answers, sent = _answer(store, kept, {MANY: True})
    assert (sent.trips, sent.statements) == (1, 4)  # the figures and the windows' three reads
    for no in WINDOWS:
        assert answers[no] == _one_by_one(store, kept[no], no)


def test_a_small_groups_answers_are_one_round_trip_each(store: Any) -> None:
    kept = {no: _kept(store, no) for no in (2, 9, 5)}
    answers, sent = _answer(store, kept, {MANY: False})
    # The first: the figures and its window; each next one: its window's three reads.
    assert (sent.trips, sent.statements) == (3, 4 + 3 + 3)
    for no, body in kept.items():
        assert answers[no] == _one_by_one(store, body, no)


def test_a_single_answer_is_one_round_trip(store: Any) -> None:
    kept = {3: _kept(store, 3)}
    answers, sent = _answer(store, kept, None)
    assert (sent.trips, sent.statements) == (1, 4)
    assert answers[3] == _one_by_one(store, kept[3], 3)
    assert '"current_ticket":{"id":' in answers[3]
