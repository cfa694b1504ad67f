"""The demo's past: 30 days of a working hall written straight through the engine, so the
supervisor's ledger, 差评 queue, reports and callbacks have something real on day one.

Each past working day, in one transaction at that day's times: clerks sign on at windows 1–6,
tickets are issued, called, served and finished; about a third of the services take a case
(some of those citizens leave a phone); citizens rate most services (a few 差评, some verified
and rectified); a few escalations are raised and moved through every state; the day's callback
sample is drawn and recorded. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from time import sleep
from typing import Any

from central import callbacks as callback_ledger
from central import cases, escalations, ratings
from central import tickets as engine
from central import windows as window_steps
from central.context import Actor, Ctx
from central.hall_time import HALL_TZ
from client.case_models import CaseRequest
from client.escalation_models import (
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    EscalationRequest,
    ProgressRequest,
    ResolveRequest,
)
from client.rating_models import RatingRequest, RectifyRequest, VerifyRequest
from client.supervisor_models import CallbackRecord

CLERKS = {1: "1001", 2: "1002", 3: "1003", 4: "1004", 5: "1005", 6: "1006"}
QUEUES = {1: "A", 2: "A", 3: "A", 4: "A", 5: "A", 6: "B"}
KIOSK = Actor("kiosk01", "取号机", "device", device_kind="kiosk")
PAD = Actor("pad01", "评价器", "device", device_kind="pad")
BOSS = Actor("2001", "值班长", "supervisor")
ESCALATION_PLAN = ("registered", "assigned", "in_progress", "resolved", "called_back", "closed")


def _clerk(staff_no: str) -> Actor:
    return Actor(staff_no, staff_no, "clerk", department="zwfw")


def _case(ticket_id: int, window: int, mobile: str) -> CaseRequest:
    return CaseRequest.model_validate(
        {
            "item_code": "GJ-001",
            "applicant": {"kind": "person", "name": "王秀英", "id_kind": "resident_id",
                          "id_number": "11010519491231002X", "mobile": mobile},
            "checklist": [
                {"material": "老年人居民身份证", "state": "received"},
                {"material": "近期一寸免冠彩色照片", "state": "received"},
                {"material": "居住证", "state": "missing"},
            ],
            "decision": "accept",
            "ticket_id": ticket_id,
            "window_no": window,
        }
    )  # fmt: skip


def seed_history(
    app: Any, today: date, days: int = 30, per_day: int = 30, seed: int = 1, pause_s: float = 0.0
) -> int:
    """Write `days` of history before `today`; the number of services written. `pause_s`
    between days lets other writers in (the live demo's logins and calls)."""
    store, reference = app.state.store, app.state.reference
    settings, calendar, catalog = store.settings, reference.calendar, reference.catalog
    rng = random.Random(seed)
    served = 0
    esc_index = 0
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
            for window, staff_no in CLERKS.items():
                window_steps.sign_on(conn, ctx(_clerk(staff_no), opening), window)
            clock = opening
            bad_ids: list[int] = []
            for n in range(per_day):
                window = 1 + n % 6
                staff_no = CLERKS[window]
                clock += timedelta(minutes=rng.randint(2, 6))
                engine.issue_ticket(conn, ctx(KIOSK, clock), QUEUES[window])
                at = clock + timedelta(minutes=rng.randint(1, 25))
                clerk = _clerk(staff_no)
                called = engine.call_next(conn, ctx(clerk, at), window)
                if called is None:
                    continue
                if rng.random() < 0.05:
                    engine.no_show(conn, ctx(clerk, at + timedelta(minutes=2)), called.id)
                    continue
                engine.start(conn, ctx(clerk, at + timedelta(minutes=1)), called.id)
                end = at + timedelta(minutes=rng.randint(3, 15))
                if window <= 5 and rng.random() < 0.35:
                    mobile = f"139{rng.randint(10000000, 99999999)}" if rng.random() < 0.7 else ""
                    cases.create_case(conn, ctx(clerk, end - timedelta(minutes=1)), catalog,
                                      calendar, _case(called.id, window, mobile))  # fmt: skip
                engine.finish(conn, ctx(clerk, end), called.id)
                served += 1
                if rng.random() < 0.8:
                    level = rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 5, 2])[0]
                    body = RatingRequest(ticket_id=called.id, level=level)
                    rating = ratings.post_rating(conn, ctx(PAD, end + timedelta(minutes=1)),
                                                 settings, body)  # fmt: skip
                    if level <= 2:
                        bad_ids.append(rating.id)
            evening = opening + timedelta(hours=8)
            for window, staff_no in CLERKS.items():
                window_steps.sign_off(conn, ctx(_clerk(staff_no), evening), window)
            for index, rating_id in enumerate(bad_ids):
                if back > 3 or index % 2:
                    verdict = "upheld" if index % 3 else "unfounded"
                    ratings.verify(conn, ctx(BOSS, evening), settings, calendar, rating_id,
                                   VerifyRequest(verdict=verdict, note="已核实"))  # fmt: skip
                    if verdict == "upheld" and back > 10:
                        ratings.rectify(conn, ctx(BOSS, evening + timedelta(days=1)), rating_id,
                                        RectifyRequest(note="已约谈并培训"))  # fmt: skip
            # One escalation a day, their end states taking turns: every state is in the ledger.
            _escalation(conn, ctx, calendar, catalog, settings.escalation_days, evening,
                        ESCALATION_PLAN[esc_index % len(ESCALATION_PLAN)], rng)  # fmt: skip
            esc_index += 1
            callback_ledger.draw(conn, ctx(BOSS, evening), day)
            for row in callback_ledger.day_summary(conn, day).callbacks:
                reached = rng.random() < 0.8
                satisfied = rng.random() < 0.9 if reached else None
                note = "" if satisfied is not False else "等候时间太长"
                record = CallbackRecord(reached=reached, satisfied=satisfied, note=note)
                callback_ledger.record(conn, ctx(BOSS, evening), row.id, record)
    return served


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
        escalations.act(conn, ctx(BOSS, at + timedelta(hours=index)), calendar, days, made.no,
                        body)  # fmt: skip
