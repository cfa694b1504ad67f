"""The supervisor's demo hall has a past: services, cases, ratings with 差评, escalations in
every state and recorded callbacks, written through the engine at past days' times."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from central.demo_history import seed_history
from central.hall_time import service_day
from central.schema import cases, tickets
from central.schema_escalations import escalation_steps
from central.schema_ratings import ratings
from central.schema_supervision import callbacks
from tests.conftest import FakeClock


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
