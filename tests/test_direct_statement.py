"""The counter's hot statements sent straight through the driver (central.direct_statement,
central.direct_insert) read and write exactly what the same statements do through SQLAlchemy:
the same rows with the same values and types (aware UTC datetimes, dates, booleans), and the
same stored values for every column they write, on both backends; and call-next claims the
same tickets in the same order as the SQLAlchemy statements it was built from."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, insert, select, text

from central import call_claim, hall
from central import ticket_steps as steps
from central import tickets as engine
from central import windows as window_steps
from central.audit import _INSERT as AUDIT_INSERT
from central.direct_statement import DirectStatement
from central.errors import Conflict
from central.events import _DIRECT as EVENTS_INSERT
from central.hall_time import day_bounds, service_day
from central.idempotency import _KEEP
from central.schema import audit, events, idempotency_keys, tickets
from central.store import Store
from client.hall_time import HALL_TZ
from tests.test_queue_engine import BOSS, KIOSK, T0, clerk, ctx, demo_store

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def store(tmp_path: Path, db_url: str | None) -> Iterator[Store]:
    with demo_store(tmp_path, url=db_url) as made:
        yield made


def through_sqlalchemy(conn: Connection, direct: DirectStatement, *values: Any) -> list[str]:
    """The statement's rows through SQLAlchemy, each as the repr of its values."""
    params = dict(zip(direct.names, values, strict=True))
    return [repr(tuple(row)) for row in conn.execute(direct.statement, params).all()]


def through_driver(conn: Connection, direct: DirectStatement, *values: Any) -> list[str]:
    return [repr(tuple(row)) for row in direct.rows(conn, *values)]


def same_rows(conn: Connection, direct: DirectStatement, *values: Any) -> list[str]:
    found = through_driver(conn, direct, *values)
    assert found == through_sqlalchemy(conn, direct, *values)
    return found


def busy_hall(store: Store) -> list[int]:
    """Tickets in every state the hot reads meet: waiting (walk-in, green, appointments due
    and not, one transferred to a window), called, serving, held, missed, done."""
    with store.write() as conn:
        for no in (1, 2, 3, 4):
            window_steps.sign_on(conn, ctx(clerk(no)), no)
        ids = [engine.issue_ticket(conn, ctx(KIOSK), "A").id for _ in range(6)]
        ids.append(engine.issue_ticket(conn, ctx(KIOSK), "A", "green").id)
        for minutes in (-20, 20):
            slot = T0 + timedelta(minutes=minutes)
            ids.append(engine.issue_ticket(conn, ctx(KIOSK), "B", "appointment", slot).id)
        later = T0 + timedelta(minutes=3)
        first = engine.call_next(conn, ctx(clerk(1), later), 1)
        second = engine.call_next(conn, ctx(clerk(2), later), 2)
        third = engine.call_next(conn, ctx(clerk(3), later), 3)
        assert first and second and third
        steps.start(conn, ctx(clerk(2), later), second.id)
        steps.start(conn, ctx(clerk(3), later), third.id)
        steps.hold(conn, ctx(clerk(3), later), third.id)
        fourth = engine.call_next(conn, ctx(clerk(4), later), 4)
        assert fourth is not None
        steps.transfer(conn, ctx(clerk(4), later), fourth.id, window_no=1)
        window_steps.pause(conn, ctx(clerk(4), later), 4, "休息")
    return ids


def test_every_hot_read_gives_what_sqlalchemy_gives(store: Store) -> None:
    ids = busy_hall(store)
    now = T0 + timedelta(minutes=5)
    start, end = day_bounds(service_day(now))
    with store.write() as conn:
        for no in (1, 2, 3, 4, 5, 99):
            same_rows(conn, window_steps.DIRECT_STATE, no)
            same_rows(conn, window_steps.DIRECT_LOCK_NO, no)
            for read in hall._ONE_WINDOW:
                same_rows(conn, read, start, end, no)
            same_rows(conn, call_claim._DIRECT_CANDIDATES, no, now)
        for ticket_id in (*ids, 10_000):
            same_rows(conn, engine._DIRECT_TICKET, ticket_id)
            for staff_no in ("1001", "1004", "nobody"):
                same_rows(conn, engine._DIRECT_TICKET_FOR, ticket_id, staff_no)
        assert same_rows(conn, hall._QUEUE_FIGURES, service_day(now), start, end)
        for read in hall._ALL_WINDOWS:
            assert same_rows(conn, read, start, end, None)
        # The rows name their columns as SQLAlchemy's do.
        row = engine._DIRECT_TICKET_FOR.first(conn, ids[0], "1001")
        alchemy = conn.execute(engine._TICKET_FOR, {"b_id": ids[0], "b_staff": "1001"}).one()
        assert row._fields == tuple(alchemy._fields)
        assert row.issued_at.tzinfo is timezone.utc and row.actor_window == 1


def twins(conn: Connection, count: int = 2, **values: Any) -> list[int]:
    """Tickets alike in every column but their id and number, waiting in queue A."""
    row = {
        "issued_queue": "A",
        "queue_prefix": "A",
        "service_day": service_day(T0),
        "kind": "walk_in",
        "status": "waiting",
        "issued_at": T0,
        "recall_count": 0,
        **values,
    }
    made = []
    for _ in range(count):
        seq = 900 + len(conn.execute(select(tickets.c.id)).all())
        add = insert(tickets).returning(tickets.c.id)
        made.append(conn.execute(add, {**row, "seq": seq, "number": f"A{seq}"}).scalar_one())
    return made


def values_of(row: Any) -> dict[str, str]:
    """A ticket row's values (their reprs: types and time zones count) but for what tells
    twins apart."""
    mapping = row._asdict() if hasattr(row, "_asdict") else dict(row._mapping)
    return {k: repr(v) for k, v in mapping.items() if k not in ("id", "number", "seq")}


def stored(conn: Connection, table: str, where: str, *ignore: str) -> list[dict[str, Any]]:
    """The rows as the database keeps them, read without any column type's conversion."""
    rows = conn.execute(text(f"SELECT * FROM {table} WHERE {where}")).mappings().all()
    return [{k: repr(v) for k, v in row.items() if k not in ignore} for row in rows]


def ticket_stored(conn: Connection, ticket_id: int) -> dict[str, Any]:
    return stored(conn, "tickets", f"id = {ticket_id}", "id", "number", "seq")[0]


CHANGES = [
    {"status": "missed"},
    {"recall_count": 3},
    {"status": "serving", "started_at": datetime(2026, 3, 2, 9, 1, 2, 345678, tzinfo=HALL_TZ)},
    {"status": "done", "finished_at": T0 + timedelta(hours=1)},
    {"status": "waiting", "window_no": None, "staff_no": None, "called_at": None},
    {"status": "waiting", "queue_prefix": "B", "target_window": 2, "transferred_from": "A",
     "window_no": None, "staff_no": None, "called_at": None, "started_at": None,
     "recall_count": 0},
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: "+".join(c))
def test_a_steps_compare_and_set_stores_what_sqlalchemy_stores(
    store: Store, change: dict[str, Any]
) -> None:
    called = {"window_no": 1, "staff_no": "1001", "called_at": T0 + timedelta(seconds=1)}
    with store.write() as conn:
        mine, theirs = twins(conn, status="called", **called)
        before = engine._DIRECT_TICKET.first(conn, mine)
        fresh = steps._set(conn, before, **change)
        params = {"b_id": theirs, "b_status": "called", **change}
        alchemy = conn.execute(engine._SET_RETURNING, params).one()
        assert values_of(fresh) != values_of(before)  # it did change
        assert values_of(fresh) == values_of(alchemy)
        assert ticket_stored(conn, mine) == ticket_stored(conn, theirs)
        # A status read before someone moved it: nothing changes, said as before.
        stale = before._replace(status="held")  # no change here leads to held
        with pytest.raises(Conflict, match="changed meanwhile"):
            steps._set(conn, stale, **change)
        assert ticket_stored(conn, mine) == ticket_stored(conn, theirs)


def test_the_claim_stores_what_sqlalchemy_stores(store: Store) -> None:
    now = datetime(2026, 3, 2, 9, 10, 11, 120000, tzinfo=HALL_TZ)
    values = engine.called_values(3, "1003", now)
    with store.write() as conn:
        mine, theirs = twins(conn, appointment_at=T0 + timedelta(minutes=9), kind="appointment")
        claimed = [values[c] for c in call_claim.CLAIMED]
        direct = call_claim._DIRECT_CLAIM.first(conn, mine, *claimed)
        alchemy = conn.execute(call_claim._CLAIM_RETURNING, {"b_id": theirs, **values}).one()
        assert values_of(direct) == values_of(alchemy)
        assert ticket_stored(conn, mine) == ticket_stored(conn, theirs)
        # Claimed already: the compare-and-set takes nothing.
        again = call_claim._DIRECT_CLAIM.first(conn, mine, *claimed)
        assert again is None


def test_appended_rows_store_what_sqlalchemy_stores(store: Store) -> None:
    at = datetime(2026, 3, 2, 9, 0, 0, 5, tzinfo=HALL_TZ)  # not UTC: stored as UTC
    snapshot = {"number": "A001", "name": "王秀英 [b]x[/b]", "nested": {"n": [1, 2.5, None]}}
    rows = {
        (audit, AUDIT_INSERT, "id"): (at, "1001", "clerk", 3, "test", "ticket.call", "ticket",
                                      "7", snapshot, None),
        (events, EVENTS_INSERT, "id"): ("ticket.called", "demo", at, "A", 7, 3, None),
        (idempotency_keys, _KEEP, "key"): ("1001", "k", "print", 200, '{"id": 7}', at),
    }  # fmt: skip
    with store.write() as conn:
        for (table, direct, differs), row in rows.items():
            direct.run(conn, [row, row] if table is events else [row])
            alchemy = dict(zip(direct.columns, row, strict=True))
            if table is idempotency_keys:
                alchemy["key"] = "k2"
            conn.execute(insert(table), alchemy)
            kept = stored(conn, table.name, "1 = 1", differs)
            assert len(kept) == (3 if table is events else 2)
            assert all(one == kept[0] for one in kept), table.name
            if table is audit and conn.dialect.name == "sqlite":
                assert kept[0]["at"] == repr("2026-03-02 01:00:00.000005")


def test_the_same_now_in_every_appended_row_is_converted_once(store: Store) -> None:
    """The remembered conversion never hands a value to the wrong time."""
    times = [T0, T0 + timedelta(microseconds=1), T0, datetime(2026, 3, 2, 9, tzinfo=HALL_TZ)]
    with store.write() as conn:
        for n, at in enumerate(times):
            EVENTS_INSERT.run(conn, [("x", "demo", at, None, n, None, None)])
        got = conn.execute(select(events.c.ticket_id, events.c.at).order_by(events.c.id)).all()
    assert [(r.ticket_id, r.at) for r in got] == list(enumerate(times))


# --- property: call-next claims what the SQLAlchemy statements claim, in the same order ------

WINDOWS = [1, 2, 3, 4, 6, 8, 14]
waiting_ticket = st.tuples(
    st.sampled_from(["A", "B", "C", "F"]),
    st.sampled_from(["walk_in", "walk_in", "green", "appointment"]),
    st.integers(min_value=-30, max_value=30),  # appointment slot / arrival, minutes from T0
    st.sampled_from([None, None, None, 2, 6]),  # transferred to a window
)


def _reference_claim(conn: Connection, window_no: int, now: datetime) -> int | None:
    """call-next's claim as it ran through SQLAlchemy before."""
    values = engine.called_values(window_no, f"{1000 + window_no}", now)
    for _attempt in range(10):
        found = conn.execute(call_claim._CANDIDATES, {"b_window": window_no, "b_now": now})
        ids = list(found.scalars())
        if not ids:
            return None
        for ticket_id in ids:
            params = {"b_id": ticket_id, **values}
            row = conn.execute(call_claim._CLAIM_RETURNING, params).first()
            if row is not None:
                return int(row.id)
    raise AssertionError("no claim in ten rounds")


def _claim(conn: Connection, window_no: int, now: datetime) -> int | None:
    claim = {**engine.called_values(window_no, f"{1000 + window_no}", now), "b_now": now}
    row = call_claim.claim_next(conn, window_no, claim)
    return None if row is None else int(row.id)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    waiting=st.lists(waiting_ticket, min_size=0, max_size=25),
    calls=st.lists(st.sampled_from(WINDOWS), min_size=1, max_size=30),
)
@pytest.mark.backends("sqlite")
def test_call_next_claims_the_same_tickets_in_the_same_order(
    waiting: list[tuple[Any, ...]], calls: list[int], db_url: str | None
) -> None:
    now = T0 + timedelta(minutes=1)
    with tempfile.TemporaryDirectory() as tmp, demo_store(Path(tmp), url=db_url) as store:
        with store.write() as conn:
            for n, (queue, kind, minutes, target) in enumerate(waiting):
                at = T0 + timedelta(minutes=minutes)
                conn.execute(
                    insert(tickets),
                    {
                        "number": f"{queue}{n:03d}", "issued_queue": queue, "queue_prefix": queue,
                        "service_day": service_day(T0), "seq": n, "kind": kind,
                        "status": "waiting", "issued_at": min(at, T0),
                        "appointment_at": at if kind == "appointment" else None,
                        "target_window": target, "recall_count": 0,
                    },
                )  # fmt: skip
            runs = []
            for claim in (_claim, _reference_claim):
                trial = conn.begin_nested()
                runs.append([claim(conn, no, now) for no in calls])
                trial.rollback()
        assert runs[0] == runs[1]
        taken = [t for t in runs[0] if t is not None]
        assert len(taken) == len(set(taken))


def test_a_supervisor_and_a_clerk_read_the_same_ticket_alike(store: Store) -> None:
    """_TICKET_FOR's actor window: the clerk's own, none for a supervisor not signed on."""
    ids = busy_hall(store)
    with store.read() as conn:
        clerk_row = engine._DIRECT_TICKET_FOR.first(conn, ids[0], clerk(1).staff_no)
        boss_row = engine._DIRECT_TICKET_FOR.first(conn, ids[0], BOSS.staff_no)
    assert clerk_row.actor_window == 1 and boss_row.actor_window is None
    assert tuple(clerk_row)[:-1] == tuple(boss_row)[:-1]


# --- the one-step time conversions equal the column type's own chain --------------------------

aware = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([timezone.utc, HALL_TZ, timezone(timedelta(hours=-9, minutes=-30))]),
)


@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.none(), aware))
@pytest.mark.backends("sqlite")
def test_the_one_step_time_conversions_are_the_column_types_own(value: datetime | None) -> None:
    from sqlalchemy.dialects import sqlite

    from central.direct_statement import utc_from_text, utc_to_text
    from central.schema_types import UTCDateTime

    dialect = sqlite.dialect()  # as a compiled statement looks them up
    bind = UTCDateTime()._cached_bind_processor(dialect)
    result = UTCDateTime()._cached_result_processor(dialect, None)
    assert bind is not None and result is not None
    text_ = utc_to_text(value)
    assert text_ == bind(value)
    back = utc_from_text(text_)
    assert repr(back) == repr(result(text_))
    assert back == value
    if text_ is not None:  # a zone written by another writer is read as the type reads it
        zoned = text_ + "+08:00"
        assert repr(utc_from_text(zoned)) == repr(result(zoned))


def test_a_naive_time_is_refused_as_the_column_type_refuses_it() -> None:
    from sqlalchemy.dialects import sqlite

    from central.direct_statement import utc_to_text
    from central.schema_types import UTCDateTime

    bind = UTCDateTime()._cached_bind_processor(sqlite.dialect())
    assert bind is not None
    naive = datetime(2026, 3, 2, 9)
    with pytest.raises(ValueError, match="naive datetime") as theirs:
        bind(naive)
    with pytest.raises(ValueError, match="naive datetime") as ours:
        utc_to_text(naive)
    assert str(ours.value) == str(theirs.value)
