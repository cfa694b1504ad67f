"""A small hall on its own SQLite file for the roll-up and sweep tests: windows 1, 2, 3 and 6
signed on at 22:00 hall time, a clock the test moves, and the steps those tests take straight
through the central's domain functions (serve, rate, review), with `check` holding the stored
roll-ups to a recount from the raw rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from central import ratings as rating
from central import rollups
from central import ticket_steps as steps
from central import tickets as engine
from central import windows as window_steps
from central.calendar import WorkCalendar
from central.context import Actor, Ctx
from central.db import make_engine
from central.errors import Conflict
from central.hall_seed import apply_hall, load_hall
from central.migrate import upgrade
from central.schema_ratings import ratings
from central.schema_rollups import COUNTS
from central.settings import Settings
from central.store import Store, make_hasher
from client.rating_models import RatingRequest, RectifyRequest, VerifyRequest

# 22:00 hall time (UTC+8) on a Monday: two hours before midnight.
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
KIOSK = Actor("kiosk01", "kiosk", "device", device_kind="kiosk")
BOSS = Actor("2001", "郑国华", "supervisor")
WINDOWS = [1, 2, 3, 6]
QUEUE = {1: "A", 2: "A", 3: "A", 6: "B"}
EVER = (date(2026, 1, 1), date(2026, 12, 31))


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def hall_store(path: Path, batch_clock: Clock) -> Iterator[Store]:
    cfg = Settings(db_path=str(path), kdf_fast=True, clock=batch_clock, rating_window_days=1)
    db = make_engine(cfg)
    upgrade(db)
    store = Store(
        engine=db, settings=cfg, hall="demo", hasher=make_hasher(True),
        writer=make_engine(cfg, writer=True),
    )  # fmt: skip
    with store.write() as conn:
        apply_hall(conn, load_hall("demo"), lambda _pw: "x", T0)
        for no in WINDOWS:
            window_steps.sign_on(conn, Ctx(clerk(no), T0, "demo"), no)
    try:
        yield store
    finally:
        store.dispose()


def clerk(no: int) -> Actor:
    return Actor(f"{1000 + no}", f"clerk {no}", "clerk")


def ctx(store: Store, actor: Actor | None) -> Ctx:
    return Ctx(actor=actor, now=store.now(), hall="demo", source="test")


def serve(store: Store, window: int) -> None:
    with store.write() as conn:
        engine.issue_ticket(conn, ctx(store, KIOSK), QUEUE[window])
        ticket = engine.call_next(conn, ctx(store, clerk(window)), window)
        assert ticket is not None
        steps.start(conn, ctx(store, clerk(window)), ticket.id)
        steps.finish(conn, ctx(store, clerk(window)), ticket.id)


def done_tickets(store: Store) -> list[int]:
    from central.schema import tickets

    with store.read() as conn:
        query = select(tickets.c.id).where(tickets.c.status == "done").order_by(tickets.c.id)
        return list(conn.execute(query).scalars())


def pad_at(window_no: int) -> Actor:
    """The rating pad at this window (the demo hall has one a window, bound to it)."""
    return Actor(f"pad{window_no:02d}", "pad", "device", device_kind="pad")


def rate(store: Store, pick: int, level: int) -> None:
    from central.schema import tickets

    found = done_tickets(store)
    if not found:
        return
    ticket_id = found[pick % len(found)]
    with store.read() as conn:
        query = select(tickets.c.window_no).where(tickets.c.id == ticket_id)
        window_no = conn.execute(query).scalar_one()
    body = RatingRequest(ticket_id=ticket_id, level=level)
    try:
        with store.write() as conn:
            rating.post_rating(conn, ctx(store, pad_at(window_no)), store.settings, body)
    except Conflict:
        pass  # rated already, or its period ended: nothing changes


def review(store: Store, pick: int, verdict: str) -> None:
    """The next step of one 差评: 核实 (with `verdict`) when pending, 整改 when upheld."""
    with store.read() as conn:
        query = (
            select(ratings.c.id, ratings.c.review_state)
            .where(ratings.c.review_state.in_(("pending", "upheld")))
            .order_by(ratings.c.id)
        )
        open_ones = conn.execute(query).all()
    if not open_ones:
        return
    rating_id, state = open_ones[pick % len(open_ones)]
    boss = ctx(store, BOSS)
    with store.write() as conn:
        if state == "upheld":
            rating.rectify(conn, boss, rating_id, RectifyRequest(note="改了"))
        else:
            body = VerifyRequest(verdict=verdict, note="查了")  # type: ignore[arg-type]
            rating.verify(conn, boss, store.settings, WorkCalendar(), rating_id, body)


def check(store: Store) -> None:
    with store.read() as conn:
        assert rollups.stored(conn, *EVER) == rollups.recount(conn, *EVER)
        # A table's rows (summed by the database over the range) equal its days added up.
        for group in ("staff", "window", "department"):
            whole = {
                r.key: tuple(r)[2:]
                for r in rollups.daily_rows(conn, *EVER, group=group, per_day=False)
            }
            added: dict[Any, list[int]] = {}
            for r in rollups.daily_rows(conn, *EVER, group=group):
                sums = added.setdefault(r.key, [0] * len(COUNTS))
                for i, name in enumerate(COUNTS):
                    sums[i] += int(getattr(r, name))
            assert whole == {k: tuple(v) for k, v in added.items()}
