"""The demo's past: 30 days of a working hall, so the supervisor's ledger, 差评 queue, reports
and callbacks have something real on day one.

Each past working day, in one transaction at that day's times: tickets served at windows 1–6,
about a third of them with a case (most of those citizens leave a mobile), citizens' ratings
with a few 差评 — written many rows at a time by central.demo_history_rows, the product's own
rows and audit trail. Then, through the engine: 差评 verified and rectified, one escalation
moved to a state of its own every other day (every state is in the ledger), the day's callback
sample drawn and recorded (a dissatisfied citizen now and then, sent to the 差评 queue); at the
end the tallies' roll-ups are recounted from the raw rows. Deterministic for a given seed;
thirty days take about a second (bench/demo_history.py).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from time import sleep
from typing import Any

from sqlalchemy import select

from central import callbacks as callback_ledger
from central import escalation_actions, escalations, ratings, rollups
from central.context import Actor, Ctx
from central.demo_history_rows import write_day
from central.hall_time import HALL_TZ
from central.schema import staff
from central.schema_supervision import callbacks
from client.escalation_models import (
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    EscalationRequest,
    ProgressRequest,
    ResolveRequest,
)
from client.rating_models import RectifyRequest, VerifyRequest
from client.supervisor_models import CallbackRecord

BOSS = Actor("2001", "值班长", "supervisor")
ESCALATION_PLAN = ("registered", "assigned", "in_progress", "resolved", "called_back", "closed")
ITEM = "GJ-001"  # 老年人公交免费乘车卡: the general windows' everyday case


def _clerk(staff_no: str) -> Actor:
    return Actor(staff_no, staff_no, "clerk", department="zwfw")


def seed_history(
    app: Any, today: date, days: int = 30, per_day: int = 30, seed: int = 1, pause_s: float = 0.0
) -> int:
    """Write `days` of history before `today`; the number of services written. `pause_s`
    between days lets other writers in (the live demo's logins and calls)."""
    store, reference = app.state.store, app.state.reference
    settings, calendar, catalog = store.settings, reference.calendar, reference.catalog
    item = catalog.item(ITEM)
    assert item is not None, f"the demo catalog has {ITEM}"
    rng = random.Random(seed)
    served = esc_index = working = 0
    first: date | None = None
    with store.engine.connect() as conn:
        names = dict(conn.execute(select(staff.c.staff_no, staff.c.name)).all())
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        opening = datetime.combine(day, time(9, 0), tzinfo=HALL_TZ)
        if pause_s:
            sleep(pause_s)

        def ctx(actor: Actor, at: datetime) -> Ctx:
            return Ctx(actor=actor, now=at, hall=store.hall, source="demo-history")

        with store.write() as conn:
            written = write_day(conn, day, opening, per_day, rng, item, catalog.version,
                                calendar, names)  # fmt: skip
            served += written.served
            evening = opening + timedelta(hours=8)
            for index, rating_id in enumerate(written.bad_rating_ids):
                if back > 3 or index % 2:
                    verdict = "upheld" if index % 3 else "unfounded"
                    ratings.verify(conn, ctx(BOSS, evening), settings, calendar, rating_id,
                                   VerifyRequest(verdict=verdict, note="已核实"))  # fmt: skip
                    if verdict == "upheld" and back > 10:
                        ratings.rectify(conn, ctx(BOSS, evening + timedelta(days=1)), rating_id,
                                        RectifyRequest(note="已约谈并培训"))  # fmt: skip
            # An escalation a day until every state is in the ledger, then every other day,
            # their end states taking turns.
            if working < len(ESCALATION_PLAN) or working % 2 == 0:
                _escalation(conn, ctx, calendar, catalog, settings.escalation_days, evening,
                            ESCALATION_PLAN[esc_index % len(ESCALATION_PLAN)], rng)  # fmt: skip
                esc_index += 1
            working += 1
            _callbacks(conn, ctx(BOSS, evening), day, rng, calendar,
                       settings.rating_rectify_days, back)  # fmt: skip
            first = first or day
    if first is not None:
        with store.write() as conn:  # the tallies' daily roll-ups, recounted from the rows
            rollups.rebuild(conn, first, today - timedelta(days=1))
    return served


def _callbacks(conn: Any, ctx: Ctx, day: date, rng: random.Random, calendar: Any,
               rectify_days: int, back: int) -> None:  # fmt: skip
    """The day's sample drawn and every call recorded; a dissatisfied citizen's callback
    goes to the 差评 queue, verified (and rectified) when the day is long enough ago."""
    callback_ledger.draw(conn, ctx, day)
    drawn = conn.execute(
        select(callbacks.c.id).where(callbacks.c.service_day == day).order_by(callbacks.c.id)
    ).scalars()
    for callback_id in list(drawn):
        reached = rng.random() < 0.8
        satisfied = rng.random() < 0.85 if reached else None
        unhappy = satisfied is False
        note = "等候时间太长，窗口解释不清" if unhappy else ""
        record = CallbackRecord(reached=reached, satisfied=satisfied, note=note,
                                open_rectification=unhappy)  # fmt: skip
        callback_ledger.record(conn, ctx, callback_id, record)
        if unhappy and back > 2:
            callback_ledger.verify(conn, ctx, callback_id, VerifyRequest(verdict="upheld",
                                   note="调看录像属实"), calendar, rectify_days)  # fmt: skip
            if back > 12:
                callback_ledger.rectify(conn, ctx, callback_id, "已约谈窗口人员，回电致歉")


def _escalation(conn: Any, ctx: Any, calendar: Any, catalog: Any, days: Any, at: datetime,
                state: str, rng: random.Random) -> None:  # fmt: skip
    request = EscalationRequest.model_validate(
        {
            "reporter": {"name": rng.choice(["李建华", "某物流有限公司", "张桂英"]),
                         "phone": "13900139000"},
            "category": rng.choice(["difficult", "complex", "urgent"]),
            "description": "材料已交多次仍未办结，请协调",
        }
    )  # fmt: skip
    made = escalations.register(conn, ctx(_clerk("1001"), at), calendar, catalog, days, request)
    steps: list[Any] = []
    order = ESCALATION_PLAN.index(state)
    if order >= 1:
        steps.append(AssignRequest(department="zrzy", handler="周强"))
    if order >= 2:
        steps.append(ProgressRequest(note="已联系部门"))
    if order >= 3:
        steps.append(ResolveRequest(result="已补办"))
    if order >= 4:
        steps.append(CallbackRequest(satisfaction="satisfied"))
    if order >= 5:
        steps.append(CloseRequest(note="回访满意，销号"))
    for index, body in enumerate(steps, 1):
        escalation_actions.act(
            conn, ctx(BOSS, at + timedelta(hours=index)), calendar, days, made.no, body
        )
