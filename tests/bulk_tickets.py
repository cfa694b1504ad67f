"""Thousands of waiting tickets at once, for the scale tests and the benches: issued through the
product's own storage (central.tickets.issue_ticket as the kiosk route calls it — numbers, audit
rows and events alike), a few hundred per write transaction instead of a round trip each."""

from __future__ import annotations

from sqlalchemy import select

from central.context import Actor, Ctx
from central.db import make_engine
from central.schema import hall
from central.settings import Settings
from central.store import Store
from central.tickets import issue_ticket

KIOSK = Actor("kiosk", "取号机", "device", device_kind="kiosk")


def issue_waiting(db_url: str, count: int, queues: tuple[str, ...] = ("B", "A", "A")) -> list[int]:
    """Issue `count` walk-in tickets in the seeded database at `db_url` (a PostgreSQL URL, or
    sqlite:///PATH), cycling through `queues`; their ids in issuing order."""
    settings = Settings(db_url=db_url, kdf_fast=True)
    engine = make_engine(settings)
    sqlite = engine.dialect.name == "sqlite"
    writer = make_engine(settings, writer=True) if sqlite else None
    store = Store(engine=engine, settings=settings, hall="", writer=writer)
    try:
        with store.read() as conn:
            store.hall = str(conn.execute(select(hall.c.code)).scalar_one())
        issued: list[int] = []
        for start in range(0, count, 500):
            with store.write() as conn:
                for n in range(start, min(count, start + 500)):
                    ctx = Ctx(actor=KIOSK, now=store.now(), hall=store.hall, source="bulk")
                    issued.append(issue_ticket(conn, ctx, queues[n % len(queues)]).id)
        return issued
    finally:
        store.dispose()
