"""办不成事 escalations through the real central API in-process (httpx): ledger numbers, the
state machine (every illegal step refused with 409, nothing appended), deadlines on the
official calendar across holidays, role checks, the timeline and the audit trail, the
deadline check and its live events, idempotency, and the 0003 migration."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect

from central.app import create_app
from central.deadline_watch import check_now
from central.settings import Settings
from client import errors
from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.escalation_models import (
    ESCALATION_STATUSES,
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    Escalation,
    EscalationRequest,
    OutOfScope,
)
from tests.conftest import HALL_TZ, ClientFactory, FakeClock

CLERK, OTHER_CLERK, SUPERVISOR, ADMIN, KIOSK = "1001", "1002", "2001", "0001", "kiosk01"


def request(category: str = "complex", **extra: Any) -> EscalationRequest:
    body: dict[str, Any] = {
        "reporter": {"kind": "person", "name": "王秀英", "phone": "13800138000"},
        "channel": "window",
        "category": category,
        "description": "材料交了三次仍未办结",
    }
    body.update(extra)
    return EscalationRequest.model_validate(body)


def at(clock: FakeClock, *args: int) -> None:
    """Move the shared clock to a hall-local moment (year, month, day[, hour])."""
    moment = (
        datetime(*args, tzinfo=HALL_TZ) if len(args) > 3 else datetime(*args, 10, tzinfo=HALL_TZ)
    )
    clock.now = moment.astimezone(clock.now.tzinfo)


async def relogin(**clients: CentralClient) -> None:
    """After the clock moved by days the tokens have expired: log in again (a_1001=client)."""
    for name, client in clients.items():
        await client.login(name.removeprefix("a_"), "counter")


# The supervisor steps, each with a body that is valid on its own.
Step = Callable[[CentralClient, str], Awaitable[Escalation]]
STEPS: dict[str, Step] = {
    "assign": lambda c, no: c.assign_escalation(
        no, AssignRequest(department="zrzy", handler="李建国", handler_phone="0591-87654321")
    ),
    "progress": lambda c, no: c.escalation_progress(no, "已协调不动产登记中心补正"),
    "resolve": lambda c, no: c.resolve_escalation(no, "已办结，证书邮寄"),
    "callback": lambda c, no: c.escalation_callback(
        no, CallbackRequest(satisfaction="satisfied", note="群众表示满意")
    ),
    "close": lambda c, no: c.close_escalation(no, CloseRequest(note="销号")),
    "out_of_scope": lambda c, no: c.close_escalation(
        no,
        CloseRequest(
            out_of_scope=OutOfScope(
                reason="litigation", explanation="已进入诉讼程序", channel="市中级人民法院"
            )
        ),
    ),
}
# The shortest way to each state from registered.
PATHS: dict[str, list[str]] = {
    "registered": [],
    "assigned": ["assign"],
    "in_progress": ["assign", "progress"],
    "resolved": ["assign", "resolve"],
    "called_back": ["assign", "resolve", "callback"],
    "closed": ["assign", "resolve", "callback", "close"],
    "out_of_scope": ["out_of_scope"],
}
LEGAL: dict[str, set[str]] = {
    "registered": {"assign", "out_of_scope"},
    "assigned": {"assign", "progress", "resolve", "out_of_scope"},
    "in_progress": {"assign", "progress", "resolve", "out_of_scope"},
    "resolved": {"callback"},
    "called_back": {"close"},
    "closed": set(),
    "out_of_scope": set(),
}


async def in_state(clerk: CentralClient, boss: CentralClient, state: str) -> Escalation:
    escalation = await clerk.create_escalation(request())
    for step in PATHS[state]:
        escalation = await STEPS[step](boss, escalation.no)
    assert escalation.status == state
    return escalation


# --- registering ----------------------------------------------------------------------------


async def test_register_numbers_the_ledger_daily_and_sets_the_due_date(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    clerk = await make_client(CLERK)
    first = await clerk.create_escalation(request("difficult"))
    second = await clerk.create_escalation(request("urgent"))
    # 2026-11-17 is a Tuesday: 15 working days → 12-08, 1 working day → 11-18.
    assert (first.no, first.due_date) == ("BBC-20261117-0001", date(2026, 12, 8))
    assert (second.no, second.due_date) == ("BBC-20261117-0002", date(2026, 11, 18))
    assert first.status == "registered" and first.registered_by == CLERK
    assert first.registered_by_name and first.timeline[0].action == "register"
    clock.advance(days=1)
    await relogin(a_1001=clerk)
    third = await clerk.create_escalation(request("complex"))
    assert third.no == "BBC-20261118-0001"  # the sequence starts again each day
    assert third.due_date == date(2026, 11, 25)


async def test_register_keeps_the_related_ticket_case_and_item(
    make_client: ClientFactory,
) -> None:
    kiosk = await make_client(KIOSK)
    ticket = await kiosk.issue_ticket("A")
    clerk = await make_client(CLERK)
    made = await clerk.create_escalation(
        request(
            ticket_id=ticket.id,
            item_code="GJ-001",
            channel="12345",
            reporter={
                "kind": "enterprise",
                "name": "某某科技有限公司",
                "phone": "0591-8888 6666",
                "contact_person": "陈经理",
            },
        )
    )
    assert made.ticket_number == ticket.number and made.item_code == "GJ-001"
    assert made.item_name == "老年人公交免费乘车卡办理"
    assert made.channel == "12345" and made.reporter.contact_person == "陈经理"
    again = await clerk.escalation(made.no)
    assert again == made


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reporter": {"name": "王", "phone": "  "}}, "reporter.phone"),
        ({"reporter": {"name": "王", "phone": "call me"}}, "reporter.phone"),
        ({"reporter": {"name": " ", "phone": "13800138000"}}, "reporter.name"),
        ({"description": "   "}, "description"),
        ({"description": "\u200b\u200c\u200d\u2060"}, "description"),  # prints as nothing
        ({"reporter": {"name": "\x07\x1b\x7f", "phone": "13800138000"}}, "reporter.name"),
        ({"ticket_id": 999999}, "ticket_id"),
        ({"case_no": "ZC2026111799999"}, "case_no"),
        ({"item_code": "NO-SUCH"}, "item_code"),
        ({"category": "whenever"}, "category"),
    ],
)
async def test_register_refuses_bad_input_at_the_field(
    make_client: ClientFactory, change: dict[str, Any], field: str
) -> None:
    clerk = await make_client(CLERK)
    body = request().model_dump(mode="json")
    body.update(change)
    response = await clerk.http.post("/v1/escalations", json=body, headers=clerk.auth_headers())
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["fields"]
    assert (await clerk.escalations(mine=True)).items == []


async def test_numbers_are_unique_under_concurrent_registration(
    make_client: ClientFactory,
) -> None:
    clerks = [await make_client(f"10{n:02d}") for n in range(1, 9)]
    # Three different matters per clerk: the client keeps one Idempotency-Key for the same
    # content while it is unanswered, so identical bodies in flight would rightly be one.
    made = await asyncio.gather(
        *(
            c.create_escalation(request(description=f"材料交了三次仍未办结（第{i}件）"))
            for c in clerks
            for i in range(3)
        )
    )
    numbers = sorted(e.no for e in made)
    assert numbers == [f"BBC-20261117-{n:04d}" for n in range(1, 25)]


async def test_a_repeated_idempotency_key_registers_once(make_client: ClientFactory) -> None:
    clerk = await make_client(CLERK)
    body = request().model_dump(mode="json")
    headers = {**clerk.auth_headers(), "Idempotency-Key": "esc-1"}
    first = await clerk.http.post("/v1/escalations", json=body, headers=headers)
    second = await clerk.http.post("/v1/escalations", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["no"] == second.json()["no"]
    assert len((await clerk.escalations(mine=True)).items) == 1
    boss = await make_client(SUPERVISOR)
    no = first.json()["no"]
    step = {"department": "zrzy", "handler": "李建国"}
    key = {**boss.auth_headers(), "Idempotency-Key": "assign-1"}
    for _ in range(2):
        answer = await boss.http.post(f"/v1/escalations/{no}/assign", json=step, headers=key)
        assert answer.status_code == 200
    assert [s.action for s in (await boss.escalation(no)).timeline] == ["register", "assign"]


# --- the state machine ----------------------------------------------------------------------


@pytest.mark.parametrize("state", ESCALATION_STATUSES)
async def test_every_illegal_step_is_refused_with_409(
    make_client: ClientFactory, state: str
) -> None:
    clerk, boss = await make_client(CLERK), await make_client(SUPERVISOR)
    for action in sorted(set(STEPS) - LEGAL[state]):
        escalation = await in_state(clerk, boss, state)
        with pytest.raises(errors.Conflict) as refused:
            await STEPS[action](boss, escalation.no)
        assert escalation.no in refused.value.message
        after = await boss.escalation(escalation.no)
        assert after.status == state and after.timeline == escalation.timeline, action


@pytest.mark.parametrize("state", ESCALATION_STATUSES)
async def test_every_legal_step_is_taken(make_client: ClientFactory, state: str) -> None:
    clerk, boss = await make_client(CLERK), await make_client(SUPERVISOR)
    for action in sorted(LEGAL[state]):
        escalation = await in_state(clerk, boss, state)
        done = await STEPS[action](boss, escalation.no)
        assert len(done.timeline) == len(escalation.timeline) + 1
        assert done.timeline[-1].action == action and done.timeline[-1].status == done.status


async def test_the_whole_loop_and_its_timeline(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    clerk, boss = await make_client(CLERK), await make_client(SUPERVISOR)
    made = await clerk.create_escalation(request("urgent"))
    for action in ("assign", "progress", "progress", "resolve", "callback", "close"):
        clock.advance(hours=1)
        last = await STEPS[action](boss, made.no)
    assert last.status == "closed" and last.closed_at == clock.now
    assert last.department_name == "市自然资源和规划局（不动产登记中心）"
    assert last.handler == "李建国" and last.result == "已办结，证书邮寄"
    assert last.satisfaction == "satisfied" and last.callback_note == "群众表示满意"
    steps = last.timeline
    assert [s.action for s in steps] == [
        "register", "assign", "progress", "progress", "resolve", "callback", "close"
    ]  # fmt: skip
    assert [s.seq for s in steps] == list(range(1, 8))
    assert [s.actor for s in steps] == [CLERK] + [SUPERVISOR] * 6
    assert all(a.at < b.at for a, b in itertools.pairwise(steps))
    assert steps[2].note == "已协调不动产登记中心补正"
    assert steps[1].details["handler"] == "李建国"
    # The clerk who raised it reads it, timeline and all.
    assert (await clerk.escalation(made.no)).timeline == steps

    trail = await boss.audit(object_id=f"escalation:{made.no}")
    assert [r.action for r in trail] == [f"escalation.{s.action}" for s in steps]
    assert trail[0].after is not None and trail[0].after["reporter"]["phone"] == "138****8000"
    assert trail[5].before is not None and trail[5].before["status"] == "resolved"


async def test_out_of_scope_keeps_the_explanation_and_the_channel(
    make_client: ClientFactory,
) -> None:
    clerk, boss = await make_client(CLERK), await make_client(SUPERVISOR)
    made = await in_state(clerk, boss, "in_progress")
    closed = await STEPS["out_of_scope"](boss, made.no)
    assert closed.status == "out_of_scope" and closed.closed_at is not None
    assert closed.out_of_scope == OutOfScope(
        reason="litigation", explanation="已进入诉讼程序", channel="市中级人民法院"
    )
    empty = {"out_of_scope": {"reason": "petition", "explanation": " ", "channel": "信访局"}}
    other = await in_state(clerk, boss, "registered")
    response = await boss.http.post(
        f"/v1/escalations/{other.no}/close", json=empty, headers=boss.auth_headers()
    )
    assert response.status_code == 422
    assert "out_of_scope.explanation" in response.json()["error"]["fields"]


async def test_assign_checks_the_department_and_may_regrade(
    make_client: ClientFactory,
) -> None:
    clerk, boss = await make_client(CLERK), await make_client(SUPERVISOR)
    made = await clerk.create_escalation(request("difficult"))
    with pytest.raises(errors.Invalid) as bad:
        await boss.assign_escalation(made.no, AssignRequest(department="nope", handler="张三"))
    assert "department" in bad.value.fields
    urgent = await boss.assign_escalation(
        made.no, AssignRequest(department="rsj", handler="张三", category="urgent")
    )
    # Re-graded: counted again from the day of registration (Tue 11-17) → Wed 11-18.
    assert urgent.category == "urgent" and urgent.due_date == date(2026, 11, 18)
    assert urgent.department == "rsj"


async def test_the_ledger_cannot_be_edited_in_the_database(
    make_client: ClientFactory, db_path: Path
) -> None:
    clerk = await make_client(CLERK)
    await clerk.create_escalation(request())
    with sqlite3.connect(db_path) as db:
        for sql in (
            "UPDATE escalation_steps SET status = 'closed'",
            "DELETE FROM escalation_steps",
            "UPDATE escalations SET description = 'x'",
            "DELETE FROM escalations",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(sql)


# --- deadlines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "category", "due"),
    [
        # National Day 2026: 10-01..10-07 off; 10-10 (Saturday) is a make-up working day.
        ((2026, 9, 30), "urgent", date(2026, 10, 8)),
        ((2026, 9, 30), "complex", date(2026, 10, 13)),
        # Spring Festival 2026: 02-14 (Saturday) works; 02-15..02-23 off.
        ((2026, 2, 13), "urgent", date(2026, 2, 14)),
        ((2026, 2, 12), "complex", date(2026, 2, 26)),
        ((2026, 2, 10), "difficult", date(2026, 3, 9)),
        # Friday → Monday.
        ((2026, 11, 20), "urgent", date(2026, 11, 23)),
    ],
)
async def test_deadlines_count_working_days_across_holidays(
    make_client: ClientFactory,
    clock: FakeClock,
    day: tuple[int, int, int],
    category: str,
    due: date,
) -> None:
    at(clock, *day)
    clerk = await make_client(CLERK)
    made = await clerk.create_escalation(request(category))
    assert made.due_date == due and not made.due_guessed


async def test_a_year_without_a_calendar_is_marked_guessed(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    at(clock, 2026, 12, 30)
    clerk = await make_client(CLERK)
    made = await clerk.create_escalation(request("complex"))
    assert made.due_date == date(2027, 1, 6) and made.due_guessed


async def test_deadlines_follow_the_halls_setting(tmp_path: Path, clock: FakeClock) -> None:
    settings = Settings(
        db_path=str(tmp_path / "c.db"),
        seed="demo",
        clock=clock,
        kdf_fast=True,
        escalation_days={"difficult": 20, "complex": 10, "urgent": 2},
    )
    app = create_app(settings)
    clerk = CentralClient("http://central.test", transport=StreamingASGITransport(app))
    try:
        await clerk.login(CLERK, "counter")
        urgent = await clerk.create_escalation(request("urgent"))
        assert urgent.due_date == date(2026, 11, 19)
    finally:
        await clerk.aclose()


async def test_overdue_and_due_soon_are_computed_on_the_calendar(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    at(clock, 2026, 11, 19)  # Thursday
    clerk, boss = await make_client(CLERK), await make_client(SUPERVISOR)
    urgent = await clerk.create_escalation(request("urgent"))  # due Fri 11-20
    later = await clerk.create_escalation(request("difficult"))
    assert urgent.due_soon and not urgent.overdue and not later.due_soon

    at(clock, 2026, 11, 23)  # Monday: one working day late
    await relogin(a_1001=clerk, a_2001=boss)
    mine = {e.no: e for e in (await clerk.escalations(mine=True)).items}
    assert mine[urgent.no].overdue and mine[urgent.no].overdue_days == 1
    assert not mine[later.no].overdue
    late = await boss.escalations(overdue=True)
    assert [e.no for e in late.items] == [urgent.no] and late.today == date(2026, 11, 23)
    on_time = await boss.escalations(overdue=False)
    assert [e.no for e in on_time.items] == [later.no]

    resolved = await STEPS["resolve"](boss, (await STEPS["assign"](boss, urgent.no)).no)
    assert not resolved.overdue  # resolved late, but no longer running late
    assert (await boss.escalations(overdue=True)).items == []


async def test_the_deadline_check_announces_each_change_once(
    central_app: Any, make_client: ClientFactory, clock: FakeClock
) -> None:
    at(clock, 2026, 11, 19)
    clerk = await make_client(CLERK)
    urgent = await clerk.create_escalation(request("urgent"))
    await clerk.create_escalation(request("difficult"))
    store, reference = central_app.state.store, central_app.state.reference
    assert check_now(store, reference) == [urgent.no]  # due soon
    assert check_now(store, reference) == []
    at(clock, 2026, 11, 23)
    await relogin(a_1001=clerk)
    assert check_now(store, reference) == [urgent.no]  # now overdue
    assert check_now(store, reference) == []
    page = await clerk.poll_events(0)
    changed = [e for e in page.events if e.type == "escalation.changed"]
    # two registrations and two deadline alerts
    assert [e.object_id for e in changed][-2:] == [urgent.no, urgent.no]
    assert len(changed) == 4


async def test_the_apps_lifespan_runs_the_deadline_check(tmp_path: Path, clock: FakeClock) -> None:
    at(clock, 2026, 11, 19)
    settings = Settings(
        db_path=str(tmp_path / "c.db"),
        seed="demo",
        clock=clock,
        kdf_fast=True,
        escalation_check_s=0.05,
    )
    app = create_app(settings)
    clerk = CentralClient("http://central.test", transport=StreamingASGITransport(app))
    try:
        await clerk.login(CLERK, "counter")
        urgent = await clerk.create_escalation(request("urgent"))
        async with app.router.lifespan_context(app):
            for _ in range(100):
                events = (await clerk.poll_events(0)).events
                if sum(e.object_id == urgent.no for e in events) == 2:
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the lifespan's check did not announce the due-soon one")
    finally:
        await clerk.aclose()


# --- who may do what ------------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(STEPS))
async def test_a_clerk_may_not_take_supervisor_steps(
    make_client: ClientFactory, action: str
) -> None:
    clerk = await make_client(CLERK)
    made = await clerk.create_escalation(request())
    with pytest.raises(errors.Forbidden):
        await STEPS[action](clerk, made.no)
    assert (await clerk.escalation(made.no)).timeline == made.timeline


async def test_a_clerk_reads_only_their_own(make_client: ClientFactory) -> None:
    clerk, other = await make_client(CLERK), await make_client(OTHER_CLERK)
    boss, admin = await make_client(SUPERVISOR), await make_client(ADMIN)
    mine = await clerk.create_escalation(request())
    theirs = await other.create_escalation(request())
    with pytest.raises(errors.Forbidden):
        await clerk.escalation(theirs.no)
    assert [e.no for e in (await clerk.escalations(mine=True)).items] == [mine.no]
    assert [e.no for e in (await clerk.escalations()).items] == [mine.no]
    with pytest.raises(errors.Forbidden):
        await clerk.escalations(mine=False)
    assert {e.no for e in (await boss.escalations()).items} == {mine.no, theirs.no}
    assert [e.no for e in (await boss.escalations(mine=True)).items] == []
    assert (await admin.escalation(theirs.no)).no == theirs.no
    with pytest.raises(errors.NotFound):
        await boss.escalation("BBC-20261117-0099")


async def test_devices_and_strangers_are_refused(make_client: ClientFactory) -> None:
    kiosk, anonymous = await make_client(KIOSK), await make_client()
    with pytest.raises(errors.Forbidden):
        await kiosk.create_escalation(request())
    with pytest.raises(errors.Forbidden):
        await kiosk.escalations()
    with pytest.raises(errors.AuthExpired):
        await anonymous.escalations()
    with pytest.raises(errors.AuthExpired):
        await anonymous.create_escalation(request())


async def test_the_supervisor_ledger_filters(make_client: ClientFactory) -> None:
    clerk, boss = await make_client(CLERK), await make_client(SUPERVISOR)
    a = await clerk.create_escalation(request("urgent"))
    b = await clerk.create_escalation(request("complex"))
    await STEPS["assign"](boss, b.no)
    assert [e.no for e in (await boss.escalations(category="urgent")).items] == [a.no]
    assert [e.no for e in (await boss.escalations(status="assigned")).items] == [b.no]
    assert [e.no for e in (await boss.escalations(department="zrzy")).items] == [b.no]
    assert (await boss.escalations(status="closed")).items == []
    assert [e.no for e in (await boss.escalations()).items] == [b.no, a.no]  # newest first


# --- the migration --------------------------------------------------------------------------


def test_migration_0003_builds_what_the_schema_declares(tmp_path: Path, clock: FakeClock) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import central.schema_escalations  # noqa: F401  (the tables join the shared metadata)
    from central.schema import metadata

    path = tmp_path / "c.db"
    create_app(Settings(db_path=str(path), seed="demo", clock=clock, kdf_fast=True))
    engine = create_engine(f"sqlite:///{path}")
    try:
        names = set(inspect(engine).get_table_names())
        assert {
            "escalations",
            "escalation_steps",
            "escalation_sequences",
            "escalation_alerts",
        } <= names
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert [d for d in diffs if "escalation" in repr(d)] == []
