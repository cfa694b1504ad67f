"""What happens to bench/year.py's hall after its services, through the product's functions:
the 核实 and 整改 of each 差评, every step of ~2,000 escalations, the default ratings, the
pruning of events and idempotency records, the roll-ups and the planner's statistics."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, select

from bench.year_hall import ESCALATIONS_PER_YEAR, local
from central import escalation_actions, housekeeping, rollups
from central import escalations as ledger
from central import ratings as rating
from central.calendar import WorkCalendar
from central.catalog import Catalog
from central.context import Actor, Ctx
from central.db import make_engine, write_tx
from central.schema_ratings import rating_sweep, ratings
from central.settings import Settings
from central.store import Store
from client.escalation_models import (
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    EscalationRequest,
    OutOfScope,
    ProgressRequest,
    Reporter,
    ResolveRequest,
)
from client.rating_models import RectifyRequest, VerifyRequest

BOSS = Actor("2001", "郑国华", "supervisor", department="zwfw")
SETTINGS = Settings()


def _ctx(actor: Actor | None, at: datetime) -> Ctx:
    return Ctx(actor=actor, now=at, hall="demo", source="10.20.0.200")


def reviews(engine: Engine, calendar: WorkCalendar, now: datetime, rng: random.Random) -> None:
    """Each pending 差评 verified a few days later; most upheld ones rectified in time."""
    with engine.connect() as conn:
        pending = conn.execute(
            select(ratings.c.id, ratings.c.rated_at)
            .where(ratings.c.review_state == "pending")
            .order_by(ratings.c.rated_at)
        ).all()
    with write_tx(engine) as conn:
        for rating_id, rated_at in pending:
            at = rated_at + timedelta(days=rng.uniform(0.5, 4))
            if at > now:
                continue
            verdict = rng.choices(["upheld", "unfounded", "mistaken"], [60, 25, 15])[0]
            body = VerifyRequest(verdict=verdict, note="调取录像核实")  # type: ignore[arg-type]
            rating.verify(conn, _ctx(BOSS, at), SETTINGS, calendar, rating_id, body)
            fix = at + timedelta(days=rng.uniform(3, 25))
            if verdict == "upheld" and fix <= now and rng.random() < 0.9:
                note = RectifyRequest(note="已约谈并培训，窗口流程已调整")
                rating.rectify(conn, _ctx(BOSS, fix), rating_id, note)


def escalations(engine: Engine, calendar: WorkCalendar, catalog: Catalog, now: datetime,
                rng: random.Random, first: date, days: int) -> None:  # fmt: skip
    """~2,000 a year, registered at the windows, then every step the ledger has."""
    wanted = round(ESCALATIONS_PER_YEAR * days / 365)
    working = [first + timedelta(days=i) for i in range(days)]
    working = [d for d in working if calendar.is_working_day(d)]
    items = list(catalog.items)
    days_of = SETTINGS.escalation_days
    plans = sorted(
        (local(rng.choice(working), rng.uniform(9 * 60, 17 * 60)), i) for i in range(wanted)
    )
    with write_tx(engine) as conn:
        for at, i in plans:
            if at > now:
                continue
            window = rng.randint(1, 5)
            clerk = Actor(f"{1000 + window}", f"柜员{window}", "clerk")
            category = rng.choices(["difficult", "complex", "urgent"], [30, 50, 20])[0]
            request = EscalationRequest(
                reporter=Reporter(name=f"市民{i}", phone=f"139{rng.randrange(10**8):08d}"),
                channel=rng.choice(["window", "window", "phone", "12345", "online"]),
                category=category,  # type: ignore[arg-type]
                description="材料已交多次仍未办结，跨部门事项无人牵头",
                item_code=rng.choice(items).code,
            )
            made = ledger.register(conn, _ctx(clerk, at), calendar, catalog, days_of, request)
            for step_at, body in _steps(rng, at):
                if step_at > now:
                    break
                escalation_actions.act(conn, _ctx(BOSS, step_at), calendar, days_of, made.no, body)


def _steps(rng: random.Random, at: datetime) -> list[tuple[datetime, Any]]:
    def later(lo: float, hi: float) -> datetime:
        nonlocal at
        at = at + timedelta(days=rng.uniform(lo, hi))
        return at

    if rng.random() < 0.06:
        scope = OutOfScope(reason="petition", explanation="属信访事项", channel="市信访局")
        return [(later(0.1, 1), CloseRequest(out_of_scope=scope))]
    assign = AssignRequest(department="zrzy", handler="李科长", handler_phone="0591-87654321")
    return [
        (later(0.05, 1), assign),
        (later(0.5, 4), ProgressRequest(note="已协调相关科室")),
        (later(0.5, 12), ResolveRequest(result="已办结，证照已送达")),
        (later(0.5, 3), CallbackRequest(satisfaction="satisfied", note="回访满意")),  # type: ignore[arg-type]
        (later(0.1, 2), CloseRequest(note="销号")),
    ]


def swept_until(conn: Connection, until: datetime) -> None:
    """The default sweep's watermark (central.ratings: services finished after it are still
    to be looked at)."""
    conn.execute(delete(rating_sweep))
    conn.execute(rating_sweep.insert().values(id=1, swept_until=until))


def sweep_and_rollups(engine: Engine, now: datetime) -> None:
    """The periodic job's work as the server does it, then the roll-ups recounted whole."""
    url = engine.url.render_as_string(hide_password=False)
    settings = (
        Settings(db_path=str(engine.url.database), clock=lambda: now)
        if engine.dialect.name == "sqlite"
        else Settings(db_url=url, clock=lambda: now)
    )
    store = Store(engine=engine, settings=settings, hall="demo",
                  writer=make_engine(settings, writer=True))  # fmt: skip
    analyze(engine)  # before the sweep: its query needs the planner's statistics
    housekeeping.run_once(store)
    with engine.connect() as conn:
        found = rollups.raw_range(conn)
    if found is not None:
        start, end = found
        while start <= end:  # a month per transaction
            last = min(end, start + timedelta(days=30))
            with write_tx(engine) as conn:
                rollups.rebuild(conn, start, last)
            start = last + timedelta(days=1)
    analyze(engine)
    assert store.writer is not None
    store.writer.dispose()


def analyze(engine: Engine) -> None:
    """The planner's statistics, whole (committed: they live in a table). Not sampled: with
    `analysis_limit` SQLite read the first rows of each index only, and on a year it took the
    status index for ~1,000 rows per status and planned the sweep through it."""
    with write_tx(engine) as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA analysis_limit=0")
        conn.exec_driver_sql("ANALYZE")
