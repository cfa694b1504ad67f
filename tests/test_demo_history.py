"""The supervisor's demo hall has a past: services, cases, ratings with 差评, escalations in
every state and recorded callbacks, written through the engine at past days' times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from central import rollups
from central.demo_history import seed_history
from central.hall_time import service_day
from central.schema import audit, cases, tickets
from central.schema_escalations import escalation_steps
from central.schema_ratings import ratings
from central.schema_supervision import callbacks
from tests.conftest import ClientFactory, FakeClock


def test_history_has_every_kind_of_past(central_app: Any, clock: FakeClock) -> None:
    today = service_day(clock())
    served = seed_history(central_app, today, days=14, per_day=12, seed=3)
    assert served > 50
    with central_app.state.store.engine.connect() as conn:
        days = conn.execute(select(func.count(func.distinct(tickets.c.service_day)))).scalar()
        assert days == 10  # the working days of the last two weeks
        newest = conn.execute(select(func.max(tickets.c.service_day))).scalar()
        assert newest == today - timedelta(days=1) or newest < today
        assert conn.execute(select(func.count()).select_from(cases)).scalar_one() > 5
        bad = conn.execute(select(func.count()).where(ratings.c.level <= 2)).scalar_one()
        assert bad > 0
        states = set(conn.execute(select(escalation_steps.c.status)).scalars())
        assert states == {"registered", "assigned", "in_progress", "resolved", "called_back",
                          "closed"}  # fmt: skip
        recorded = conn.execute(
            select(func.count()).where(callbacks.c.recorded_at.is_not(None))
        ).scalar_one()
        assert recorded > 0


async def test_history_reads_like_the_engine_wrote_it(
    central_app: Any, clock: FakeClock, make_client: ClientFactory
) -> None:
    """Rows written many at a time read back through the API as the engine's own: the roll-ups
    agree with the raw rows, a past day's report counts what the rows hold, a case and a ticket
    load, the audit trail has every step, and a dissatisfied callback is in the 差评 queue."""
    today = service_day(clock())
    seed_history(central_app, today, days=10, per_day=24, seed=5)
    boss = await make_client("2001")
    with central_app.state.store.engine.connect() as conn:
        first = conn.execute(select(func.min(tickets.c.service_day))).scalar_one()
        last = today - timedelta(days=1)
        assert rollups.recount(conn, first, last) == rollups.stored(conn, first, last)
        served = conn.execute(
            select(func.count()).where(tickets.c.service_day == first, tickets.c.status == "done")
        ).scalar_one()
        missed = conn.execute(
            select(func.count()).where(tickets.c.service_day == first,
                                       tickets.c.status == "missed")
        ).scalar_one()  # fmt: skip
        case_no, ticket_id = conn.execute(select(cases.c.case_no, cases.c.ticket_id)).first()
        bad = conn.execute(
            select(func.count()).where(ratings.c.service_day == first, ratings.c.level <= 2)
        ).scalar_one()
        actions = set(conn.execute(select(audit.c.action)).scalars())
        unhappy = conn.execute(
            select(callbacks.c.id).where(callbacks.c.review_state.is_not(None))
        ).scalars().all()  # fmt: skip
    report = await boss.report("day", first)
    assert sum(q.served for q in report.queues) == served
    assert sum(q.no_show for q in report.queues) == missed
    assert report.ratings.bad == bad
    case = await boss.case(case_no)
    assert case.ticket_id == ticket_id and case.decision == "accept"
    ticket = await boss.ticket(ticket_id)
    assert ticket.status == "done" and ticket.finished_at is not None
    assert {"ticket.issue", "ticket.call", "ticket.start", "ticket.finish", "case.accept",
            "rating.received", "callback.record"} <= actions  # fmt: skip
    assert unhappy, "a dissatisfied callback in ten days of this seed"
    listed = {c.id for c in await boss.callback_complaints(open_only=False)}
    assert set(unhappy) <= listed
