"""The queue engine on its own: pure rules, call order against a model, a property test over
random issue/call/finish sequences, concurrent call-next from threads, and the migrations."""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from central import ticket_steps as steps
from central import tickets as engine
from central import windows as window_steps
from central.context import Actor, Ctx
from central.db import make_engine
from central.errors import Conflict
from central.hall_seed import apply_hall, load_hall
from central.migrate import upgrade
from central.schema import metadata, tickets, window_queues
from central.settings import Settings
from central.store import Store, make_hasher

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
KIOSK = Actor("kiosk01", "kiosk", "device", device_kind="kiosk")
BOSS = Actor("2001", "郑国华", "supervisor")


def clerk(no: int) -> Actor:
    return Actor(f"{1000 + no}", f"clerk {no}", "clerk")


@contextmanager
def demo_store(path: Path, *, migrate: bool = False, url: str | None = None) -> Iterator[Store]:
    """The demo hall in a new SQLite file, or in the PostgreSQL database `url` emptied first."""
    settings = Settings(db_path=str(path / "q.db"), db_url=url, kdf_fast=True, clock=lambda: T0)
    db = make_engine(settings)
    if url is not None:
        with db.begin() as conn:
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    elif migrate:
        upgrade(db)
    else:
        metadata.create_all(db)
    writer = make_engine(settings, writer=True) if url is None else None
    store = Store(
        engine=db, settings=settings, hall="demo", hasher=make_hasher(True), writer=writer
    )
    with store.write() as conn:
        apply_hall(conn, load_hall("demo"), lambda _pw: "x", T0)
    try:
        yield store
    finally:
        store.dispose()


@contextmanager
def signed_on_store(
    path: Path, url: str | None, windows: tuple[int, ...], *, tickets: int = 0
) -> Iterator[Store]:
    """demo_store with a clerk signed on at each of `windows` and `tickets` walk-ins waiting
    in queue A."""
    with demo_store(path, url=url) as made:
        with made.write() as conn:
            for no in windows:
                window_steps.sign_on(conn, ctx(clerk(no)), no)
            for _ in range(tickets):
                engine.issue_ticket(conn, ctx(KIOSK), "A")
        yield made


def ctx(actor: Actor, now: datetime = T0) -> Ctx:
    return Ctx(actor=actor, now=now, hall="demo", source="test")


# --- pure rules ---------------------------------------------------------------------------------


def test_transition_table_matches_the_design() -> None:
    assert engine.next_status("call", "A001", "waiting") == "called"
    assert engine.next_status("recall", "A001", "called") == "called"
    assert engine.next_status("transfer", "A001", "serving") == "waiting"
    assert engine.next_status("call_back", "A001", "held") == "serving"
    with pytest.raises(Conflict, match="only a called or serving ticket can be transferred"):
        engine.next_status("transfer", "A001", "held")
    with pytest.raises(Conflict, match=r"^Ticket B007 is waiting; only a missed ticket"):
        engine.next_status("reactivate", "B007", "waiting")


def test_ticket_numbers_have_three_digits() -> None:
    assert engine.ticket_number("A", 1) == "A001"
    assert engine.ticket_number("B", 17) == "B017"
    assert engine.ticket_number("C", 1000) == "C1000"


def test_call_rank_orders_green_due_priority_arrival() -> None:
    later = T0 + timedelta(minutes=1)
    ranks = {
        "green_low_priority": engine.call_rank("green", None, 3, later, 9, T0),
        "due_appointment": engine.call_rank("appointment", T0, 2, later, 8, T0),
        "future_appointment": engine.call_rank("appointment", later, 1, T0, 4, T0),
        "walk_in_early": engine.call_rank("walk_in", None, 1, T0, 6, T0),
        "walk_in_late": engine.call_rank("walk_in", None, 1, later, 5, T0),
        "other_queue": engine.call_rank("walk_in", None, 2, T0, 1, T0),
    }
    assert sorted(ranks, key=ranks.__getitem__) == [
        "green_low_priority",
        "due_appointment",
        "future_appointment",  # first to arrive (same time, lower id)
        "walk_in_early",
        "walk_in_late",
        "other_queue",
    ]


# --- property: random hall days never double-call and follow the call order --------------------

QUEUES = ["A", "B", "C", "F"]
WINDOWS = [1, 2, 3, 4, 6, 8, 14]

op = st.one_of(
    st.tuples(
        st.just("issue"),
        st.sampled_from(QUEUES),
        st.sampled_from(["walk_in", "walk_in", "green", "appointment"]),
        st.integers(min_value=-30, max_value=30),  # appointment slot, minutes from now
    ),
    st.tuples(st.just("call"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("finish"), st.sampled_from(WINDOWS)),
    st.tuples(st.just("no_show"), st.sampled_from(WINDOWS)),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ops=st.lists(op, min_size=1, max_size=40))
@pytest.mark.backends("sqlite", "postgresql")
def test_random_days_never_double_call(ops: list[tuple[Any, ...]], db_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp, demo_store(Path(tmp), url=db_url) as store:
        with store.write() as conn:
            for no in WINDOWS:
                window_steps.sign_on(conn, ctx(clerk(no)), no)
            priorities = {
                (r.window_no, r.queue_prefix): r.priority
                for r in conn.execute(select(window_queues)).all()
            }
        now = T0
        waiting: dict[int, dict[str, Any]] = {}  # the model: what should be waiting
        current: dict[int, int] = {}  # window → ticket called there
        called_ever: set[int] = set()
        for step in ops:
            now += timedelta(seconds=7)
            with store.write() as conn:
                if step[0] == "issue":
                    _, queue, kind, minutes = step
                    slot = now + timedelta(minutes=minutes) if kind == "appointment" else None
                    t = engine.issue_ticket(conn, ctx(KIOSK, now), queue, kind, slot)
                    waiting[t.id] = {"queue": queue, "kind": kind, "slot": slot, "at": now}
                elif step[0] == "call":
                    no = step[1]
                    if no in current:
                        with pytest.raises(Conflict):
                            engine.call_next(conn, ctx(clerk(no), now), no)
                        continue
                    eligible = [
                        engine.call_rank(
                            w["kind"], w["slot"], priorities[(no, w["queue"])], w["at"], tid, now
                        )
                        for tid, w in waiting.items()
                        if (no, w["queue"]) in priorities
                    ]
                    got = engine.call_next(conn, ctx(clerk(no), now), no)
                    if not eligible:
                        assert got is None
                        continue
                    assert got is not None
                    assert got.id == min(eligible)[-1], "call order"
                    assert got.id not in called_ever, "a ticket was called twice"
                    called_ever.add(got.id)
                    del waiting[got.id]
                    current[no] = got.id
                elif step[1] in current:
                    no = step[1]
                    tid = current.pop(no)
                    if step[0] == "finish":
                        steps.start(conn, ctx(clerk(no), now), tid)
                        steps.finish(conn, ctx(clerk(no), now), tid)
                    else:
                        steps.no_show(conn, ctx(clerk(no), now), tid)
        with store.read() as conn:
            rows = conn.execute(select(tickets)).all()
        assert {r.id for r in rows if r.status == "waiting"} == set(waiting)
        active = [r.window_no for r in rows if r.status in ("called", "serving")]
        assert len(active) == len(set(active)) == len(current)


# --- concurrency: many threads, one database, no duplicates, nothing lost ------------------------


@pytest.mark.backends("sqlite", "postgresql")
def test_concurrent_call_next_from_threads(tmp_path: Path, db_url: str | None) -> None:
    windows = [1, 2, 3, 4, 5, 7, 13]  # all serve queue A
    with demo_store(tmp_path, url=db_url) as store:
        with store.write() as conn:
            for no in windows:
                window_steps.sign_on(conn, ctx(clerk(no)), no)
            issued = [engine.issue_ticket(conn, ctx(KIOSK), "A").id for _ in range(160)]
        taken: dict[int, list[int]] = {no: [] for no in windows}
        errors: list[BaseException] = []
        barrier = threading.Barrier(len(windows))

        def work(no: int) -> None:
            try:
                barrier.wait()
                while True:
                    with store.write() as conn:
                        got = engine.call_next(conn, ctx(clerk(no)), no)
                        if got is None:
                            return
                        steps.start(conn, ctx(clerk(no)), got.id)
                        steps.finish(conn, ctx(clerk(no)), got.id)
                    taken[no].append(got.id)
                    time.sleep(0.001)  # the clerk talks to the citizen: other windows get a turn
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(no,)) for no in windows]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert not errors
        every = [tid for ids in taken.values() for tid in ids]
        assert len(every) == len(set(every)) == len(issued)
        assert set(every) == set(issued)
        assert sum(1 for ids in taken.values() if ids) >= 2  # the windows really competed


# --- migrations ---------------------------------------------------------------------------------


def test_migrations_build_exactly_the_schema(tmp_path: Path) -> None:
    with demo_store(tmp_path, migrate=True) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        upgrade(store.engine)  # running again is a no-op
