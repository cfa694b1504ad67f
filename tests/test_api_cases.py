"""General-window intake through the real central API in-process (httpx): the four decisions
of 行政许可法 §32 stored and read back, every rule's refusal with its field, case numbers,
idempotency, the applicant lookup, due dates on the official calendar, the audit row and
the 0002 migration on a database created by 0001."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import create_engine, func, inspect, select

from central.app import create_app
from central.db import write_tx
from central.migrate import alembic_config
from central.schema import audit, cases
from central.settings import Settings
from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.case_models import Applicant, CaseRequest, ChecklistEntry
from tests.conftest import HALL_TZ, ClientFactory, FakeClock
from tests.hall_data import (
    BUS_ID_CARD,
    BUS_PASS,
    BUS_PERMIT,
    BUS_PHOTO,
    SENIOR_ID,
    bus_pass,
    senior,
)

# Valid by GB 11643 / GB 32100 (checked in tests/test_validators.py); ages on 2026-11-17.
YOUNG_ID = "110105199001011232"  # 36
OTHER_SENIOR_ID = "440305196003072016"  # 66
USCC = "91350100M000100Y43"

# 企业设立登记: 承诺件 1 working day.
COMPANY = "SCJG-001"
COMPANY_MATERIALS = [
    "公司登记（备案）申请书",
    "公司章程",
    "股东主体资格证明",
    "法定代表人、董事、监事和经理的任职文件",
    "住所（经营场所）使用证明",  # 容缺-able
    "指定代表或者共同委托代理人授权委托书",  # optional
]


COMPANY_APPLICANT = {"kind": "enterprise", "name": "某公司", "uscc": USCC}


def agent(**extra: Any) -> dict[str, Any]:
    return {"name": "张三", "id_kind": "resident_id", "id_number": YOUNG_ID, **extra}


class Desk:
    """Raw httpx access to the in-process API as one staff member (status codes, fields)."""

    def __init__(self, client: CentralClient) -> None:
        self.client = client

    async def post(self, path: str, body: Any, key: str | None = None) -> httpx.Response:
        headers = self.client.auth_headers()
        if key:
            headers["Idempotency-Key"] = key
        return await self.client.http.post(path, json=body, headers=headers)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.http.get(path, params=params, headers=self.client.auth_headers())

    async def case(self, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.post("/v1/cases", body)
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def refused(self, body: dict[str, Any], status: int = 422) -> dict[str, Any]:
        r = await self.post("/v1/cases", body)
        assert r.status_code == status, r.text
        error: dict[str, Any] = r.json()["error"]
        assert error["message"].strip()
        return error


@pytest.fixture
async def clerk(make_client: ClientFactory) -> Desk:
    return Desk(await make_client("1001"))


def _db_cases(db_path: Path) -> list[Any]:
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        rows = conn.execute(select(cases).order_by(cases.c.id)).all()
    engine.dispose()
    return list(rows)


# --- the four decisions -----------------------------------------------------------------------


async def test_accept_is_numbered_dated_and_read_back(
    make_client: ClientFactory, db_path: Path
) -> None:
    client = await make_client("1001")
    request = CaseRequest(
        item_code=BUS_PASS,
        applicant=Applicant.model_validate(senior(id_number="110105 19491231 002x")),
        checklist=[
            ChecklistEntry(material=BUS_PERMIT, state="missing"),  # optional: may be missing
            ChecklistEntry(material=BUS_ID_CARD, state="received"),
            ChecklistEntry(material=BUS_PHOTO, state="received"),
        ],
        decision="accept",
        delivery="post",
        address="示范市人民路 1 号",
    )
    case = await client.create_case(request)
    assert case.case_no == "ZC2026111700001"
    assert case.decision == "accept"
    assert case.applicant.id_number == SENIOR_ID  # normalised: no spaces, upper-case X
    # 10 working days after Tuesday 2026-11-17 (the day of acceptance is not counted).
    assert case.due_date == date(2026, 12, 1) and not case.due_guessed
    assert case.staff_no == "1001" and case.staff_name
    assert case.item_name == "老年人公交免费乘车卡办理"
    assert [e.material for e in case.checklist] == [BUS_ID_CARD, BUS_PHOTO, BUS_PERMIT]
    assert case.address == "示范市人民路 1 号"

    again = await client.case(case.case_no)
    assert again == case
    row = _db_cases(db_path)[0]
    assert (row.case_no, row.decision, row.applicant_key) == (case.case_no, "accept", SENIOR_ID)
    assert row.catalog_version and row.due_date == date(2026, 12, 1)

    second = await client.create_case(request)
    assert second.case_no == "ZC2026111700002"


async def test_tolerate_records_the_gap_and_the_commitment(clerk: Desk, db_path: Path) -> None:
    case = await clerk.case(bus_pass("tolerate", photo="missing", commitment_date="2026-11-20"))
    assert case["decision"] == "tolerate"
    states = {e["material"]: e["state"] for e in case["checklist"]}
    assert states == {BUS_ID_CARD: "received", BUS_PHOTO: "tolerated", BUS_PERMIT: "missing"}
    assert case["commitment_date"] == "2026-11-20"
    assert case["due_date"] == "2026-12-01"
    stored = _db_cases(db_path)[0]
    assert stored.decision == "tolerate" and stored.commitment_date == date(2026, 11, 20)
    assert {e["material"]: e["state"] for e in stored.checklist}[BUS_PHOTO] == "tolerated"
    # The commitment date may be the due date itself, and the state may be sent as tolerated.
    case = await clerk.case(bus_pass("tolerate", photo="tolerated", commitment_date="2026-12-01"))
    assert case["decision"] == "tolerate"


async def test_notice_lists_every_gap_and_is_found_by_id_number(
    make_client: ClientFactory, clerk: Desk
) -> None:
    body = bus_pass("notice", card="flawed", photo="missing")
    body["checklist"][0]["note"] = "复印件不清晰"
    body["checklist"][1]["note"] = "未带照片"
    case = await clerk.case(body)
    assert case["decision"] == "notice"
    assert case["due_date"] is None and case["commitment_date"] is None
    notes = {e["material"]: e["note"] for e in case["checklist"] if e["state"] != "received"}
    assert notes == {BUS_ID_CARD: "复印件不清晰", BUS_PHOTO: "未带照片", BUS_PERMIT: ""}

    # The applicant returns the next day to another clerk, who pulls the notice up by ID.
    other = await make_client("1002")
    found = await other.cases_for_applicant(SENIOR_ID.lower())
    assert [c.case_no for c in found] == [case["case_no"]]
    assert found[0].decision == "notice"
    assert await other.cases_for_applicant(OTHER_SENIOR_ID) == []


async def test_refuse_needs_no_checklist_but_a_reason(clerk: Desk) -> None:
    case = await clerk.case(
        {
            "item_code": BUS_PASS,
            "applicant": senior(),
            "checklist": [],
            "decision": "refuse",
            "refuse_reason": "申请人户籍及居住地均不在本市，不属于本中心受理范围",
            "refer_to": "户籍所在地政务服务中心",
        }
    )
    assert case["decision"] == "refuse" and case["checklist"] == []
    assert case["refer_to"] == "户籍所在地政务服务中心"
    assert case["due_date"] is None


async def test_enterprise_accept_with_agent(make_client: ClientFactory) -> None:
    client = await make_client("1003")
    case = await client.create_case(
        CaseRequest.model_validate(
            {
                "item_code": COMPANY,
                "applicant": {
                    "kind": "enterprise",
                    "name": "示范市某某科技有限公司",
                    "uscc": USCC.lower(),
                    "contact": "李明",
                    "agent": {
                        "name": "李明",
                        "id_kind": "resident_id",
                        "id_number": YOUNG_ID,
                        "mobile": "139-1234-5678",
                    },
                },
                "checklist": [{"material": m, "state": "received"} for m in COMPANY_MATERIALS],
                "decision": "accept",
            }
        )
    )
    assert case.applicant.uscc == USCC
    assert case.due_date == date(2026, 11, 18)  # 1 working day
    assert [c.case_no for c in await client.cases_for_applicant(USCC.lower())] == [case.case_no]


async def test_instant_item_is_due_the_same_day(clerk: Desk) -> None:
    catalog = (await clerk.get("/v1/catalog")).json()
    item = next(i for i in catalog["items"] if i["kind"] == "instant" and i["min_age"] is None)
    case = await clerk.case(
        {
            "item_code": item["code"],
            "applicant": senior(id_number=YOUNG_ID),
            "checklist": [{"material": m["name"], "state": "received"} for m in item["materials"]],
            "decision": "accept",
        }
    )
    assert case["due_date"] == "2026-11-17"


# --- refusals, each with its field -----------------------------------------------------------


async def test_unknown_item(clerk: Desk) -> None:
    error = await clerk.refused(bus_pass(item_code="XX-999"))
    assert "item_code" in error["fields"]


@pytest.mark.parametrize(
    ("applicant", "field"),
    [
        (senior(id_number="110105194912310021"), "applicant.id_number"),  # check digit
        (senior(id_number="1101051949"), "applicant.id_number"),
        (senior(id_kind="passport", id_number="E12-34"), "applicant.id_number"),
        (senior(id_number=None), "applicant.id_number"),
        (senior(mobile="12345678901"), "applicant.mobile"),
        (senior(uscc=USCC), "applicant.uscc"),
        (senior(agent=agent(id_number="110105199001011233")), "applicant.agent.id_number"),
        (senior(agent=agent(mobile="555")), "applicant.agent.mobile"),
        (senior(name="\u200b\u200b\u200d"), "applicant.name"),  # zero-width only: prints blank
        (senior(name="\x01\x02\x7f"), "applicant.name"),  # control characters only
        (senior(agent=agent(name="\u2060\ufeff")), "applicant.agent.name"),
        (senior(id_number=YOUNG_ID), "applicant.id_number"),  # 36: too young for 老年卡
        ({"kind": "enterprise", "name": "某公司", "uscc": USCC}, "applicant.kind"),  # min_age
    ],
)  # fmt: skip
async def test_applicant_rules(clerk: Desk, applicant: dict[str, Any], field: str) -> None:
    error = await clerk.refused(bus_pass(applicant=applicant))
    assert field in error["fields"], error


@pytest.mark.parametrize(
    ("applicant", "field"),
    [
        ({**COMPANY_APPLICANT, "uscc": "91350100M000100Y44"}, "applicant.uscc"),
        ({"kind": "enterprise", "name": "某公司"}, "applicant.uscc"),
        ({**COMPANY_APPLICANT, "id_number": YOUNG_ID}, "applicant.id_number"),
    ],
)  # fmt: skip
async def test_enterprise_rules(clerk: Desk, applicant: dict[str, Any], field: str) -> None:
    body = {
        "item_code": COMPANY,
        "applicant": applicant,
        "checklist": [{"material": m, "state": "received"} for m in COMPANY_MATERIALS],
        "decision": "accept",
    }
    error = await clerk.refused(body)
    assert field in error["fields"], error


async def test_other_documents_and_senior_refusal(clerk: Desk) -> None:
    # A passport is format-checked; its holder's age is checked by eye, not by the server.
    case = await clerk.case(bus_pass(applicant=senior(id_kind="passport", id_number="E12345678")))
    assert case["applicant"]["id_kind"] == "passport"
    # An applicant too young may still be refused (不予受理) and the refusal recorded.
    refused = await clerk.case(
        bus_pass("refuse", applicant=senior(id_number=YOUNG_ID), refuse_reason="未满 65 周岁")
    )
    assert refused["decision"] == "refuse"


async def test_checklist_names_every_material_once(clerk: Desk) -> None:
    body = bus_pass()
    body["checklist"].pop()
    error = await clerk.refused(body)
    assert "checklist" in error["fields"] and BUS_PERMIT in error["message"]

    body = bus_pass()
    body["checklist"][2]["material"] = BUS_PHOTO
    error = await clerk.refused(body)
    assert "checklist.2.material" in error["fields"]

    body = bus_pass()
    body["checklist"].append({"material": "户口簿", "state": "received"})
    error = await clerk.refused(body)
    assert "checklist.3.material" in error["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        # accept ⇔ every required material received
        (bus_pass("accept", photo="missing"), "decision"),
        (bus_pass("accept", card="flawed"), "decision"),
        # tolerate ⇔ the required gaps are all 容缺-able
        (bus_pass("tolerate", card="missing", commitment_date="2026-11-20"), "decision"),
        (bus_pass("tolerate", commitment_date="2026-11-20"), "decision"),
        (bus_pass("tolerate", card="tolerated", commitment_date="2026-11-20"), "checklist.0.state"),
        (bus_pass("tolerate", photo="missing"), "commitment_date"),
        (bus_pass("tolerate", photo="missing", commitment_date="2026-11-16"), "commitment_date"),
        (bus_pass("tolerate", photo="missing", commitment_date="2026-12-02"), "commitment_date"),
        (bus_pass("accept", commitment_date="2026-11-20"), "commitment_date"),
        # tolerated only under a 容缺受理
        (bus_pass("notice", photo="tolerated"), "checklist.1.state"),
        # notice ⇔ a required material missing or flawed, each with its reason
        (bus_pass("notice"), "decision"),
        (bus_pass("notice", photo="missing"), "checklist.1.note"),
        (bus_pass("notice", permit="flawed"), "checklist.2.note"),
        # refuse needs a reason; a reason belongs to a refusal only
        (bus_pass("refuse"), "refuse_reason"),
        (bus_pass("refuse", refuse_reason="   "), "refuse_reason"),
        (bus_pass("accept", refuse_reason="x"), "refuse_reason"),
        # post needs an address
        (bus_pass(delivery="post"), "address"),
    ],
)  # fmt: skip
async def test_decision_rules(clerk: Desk, body: dict[str, Any], field: str) -> None:
    error = await clerk.refused(body)
    assert field in error["fields"], error


async def test_all_problems_come_at_once(clerk: Desk, db_path: Path) -> None:
    body = bus_pass("notice", photo="missing", applicant=senior(mobile="123"), delivery="post")
    error = await clerk.refused(body)
    assert {"applicant.mobile", "checklist.1.note", "address"} <= set(error["fields"])
    assert "2 more" in error["message"]
    await clerk.refused(bus_pass("accept", photo="missing"))
    assert _db_cases(db_path) == []
    case = await clerk.case(bus_pass())
    assert case["case_no"] == "ZC2026111700001"  # no number was used up by the refusal


# --- roles, window and ticket ---------------------------------------------------------------


async def test_roles(make_client: ClientFactory, clerk: Desk) -> None:
    case = await clerk.case(bus_pass())
    pad = Desk(await make_client("pad01"))
    assert (await pad.post("/v1/cases", bus_pass())).status_code == 403
    assert (await pad.get(f"/v1/cases/{case['case_no']}")).status_code == 403
    assert (await pad.get("/v1/cases", applicant_id=SENIOR_ID)).status_code == 403
    supervisor = Desk(await make_client("2001"))
    assert (await supervisor.get(f"/v1/cases/{case['case_no']}")).json() == case
    anonymous = Desk(await make_client())
    assert (await anonymous.get(f"/v1/cases/{case['case_no']}")).status_code == 401
    missing = await clerk.get("/v1/cases/ZC2026111799999")
    assert missing.status_code == 404 and "ZC2026111799999" in missing.json()["error"]["message"]


async def test_ticket_must_be_in_service_at_the_clerks_window(
    make_client: ClientFactory, clerk: Desk
) -> None:
    kiosk = await make_client("kiosk01")
    ticket = await kiosk.issue_ticket("A")
    # Not signed on at any window.
    r = await clerk.post("/v1/cases", bus_pass(ticket_id=ticket.id))
    assert r.status_code == 409 and "ticket_id" in r.json()["error"]["fields"]
    await clerk.client.sign_on(1)
    # Signed on, but the ticket is only waiting.
    r = await clerk.post("/v1/cases", bus_pass(ticket_id=ticket.id))
    assert r.status_code == 409 and ticket.number in r.json()["error"]["message"]
    # Another window's number is not the clerk's.
    r = await clerk.post("/v1/cases", bus_pass(window_no=2))
    assert r.status_code == 409 and "window_no" in r.json()["error"]["fields"]
    # No such ticket.
    assert (await clerk.post("/v1/cases", bus_pass(ticket_id=999999))).status_code == 404

    called = await clerk.client.call_next(1)
    assert called is not None and called.id == ticket.id
    r = await clerk.post("/v1/cases", bus_pass(ticket_id=ticket.id))
    assert r.status_code == 409  # called, not yet in service
    await clerk.client.start(ticket.id)
    case = await clerk.case(bus_pass(ticket_id=ticket.id))
    assert case["window_no"] == 1
    assert (case["ticket_id"], case["ticket_number"]) == (ticket.id, ticket.number)

    # Another clerk at window 2 cannot take a case on the ticket served at window 1.
    other = Desk(await make_client("1002"))
    await other.client.sign_on(2)
    r = await other.post("/v1/cases", bus_pass(ticket_id=ticket.id))
    assert r.status_code == 409


# --- numbering, idempotency, audit ------------------------------------------------------------


async def test_idempotent_repeat_returns_the_same_case(clerk: Desk, db_path: Path) -> None:
    first = await clerk.post("/v1/cases", bus_pass(), key="intake-42")
    again = await clerk.post("/v1/cases", bus_pass(), key="intake-42")
    assert first.status_code == again.status_code == 201
    assert first.json()["case_no"] == again.json()["case_no"] == "ZC2026111700001"
    assert len(_db_cases(db_path)) == 1
    changed = await clerk.post("/v1/cases", bus_pass(permit="received"), key="intake-42")
    assert changed.status_code == 409


async def test_concurrent_cases_get_distinct_numbers(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    desks = [Desk(await make_client(f"10{n:02d}")) for n in range(1, 7)]
    made = await asyncio.gather(*(d.case(bus_pass()) for d in desks))
    numbers = sorted(c["case_no"] for c in made)
    assert numbers == [f"ZC20261117{n:05d}" for n in range(1, 7)]
    # The sequence starts again on the next hall-local day (midnight UTC+8).
    clock.now = datetime(2026, 11, 18, 0, 5, tzinfo=HALL_TZ).astimezone(timezone.utc)
    tomorrow = Desk(await make_client("1001"))  # yesterday's token has expired
    assert (await tomorrow.case(bus_pass()))["case_no"] == "ZC2026111800001"


async def test_case_is_audited(make_client: ClientFactory, clerk: Desk) -> None:
    await clerk.client.sign_on(1)
    case = await clerk.case(bus_pass("tolerate", photo="missing", commitment_date="2026-11-19"))
    supervisor = await make_client("2001")
    records = await supervisor.audit(object_id=f"case:{case['case_no']}")
    assert len(records) == 1
    record = records[0]
    assert (record.action, record.actor, record.window_no) == ("case.tolerate", "1001", 1)
    assert record.before is None and record.after is not None
    after: dict[str, Any] = dict(record.after)
    assert after["decision"] == "tolerate"
    assert after["checklist"][BUS_PHOTO] == "tolerated"
    assert after["applicant"]["id"] == "110105********002X"  # masked in the trail


# --- due dates on the official calendar -------------------------------------------------------


async def test_due_dates_across_national_day(
    make_client: ClientFactory, clock: FakeClock, clerk: Desk
) -> None:
    r = await clerk.get("/v1/calendar/due", **{"from": "2026-09-30", "working_days": 5})
    assert r.status_code == 200, r.text
    # 10-01..10-07 off; 10-08, 10-09, Saturday 10-10 (调休), 10-12, 10-13.
    assert r.json() == {
        "start": "2026-09-30",
        "working_days": 5,
        "due": "2026-10-13",
        "guessed": False,
        "guessed_years": [],
    }
    answer = await clerk.client.due_date(date(2026, 11, 17), 0)
    assert answer.due == date(2026, 11, 17)

    # A case accepted on 2026-09-30 for an item promised in 5 working days.
    clock.now = datetime(2026, 9, 30, 10, 0, tzinfo=HALL_TZ).astimezone(timezone.utc)
    client = await make_client("1004")
    item = await client.catalog_item("SCJG-011")
    assert item.promised_days == 5
    case = await client.create_case(
        CaseRequest(
            item_code=item.code,
            applicant=Applicant.model_validate(senior(id_number=YOUNG_ID)),
            checklist=[ChecklistEntry(material=m.name, state="received") for m in item.materials],
            decision="accept",
        )
    )
    assert case.case_no == "ZC2026093000001"
    assert case.due_date == date(2026, 10, 13) and not case.due_guessed


async def test_due_date_in_a_year_without_calendar_is_guessed(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    clock.now = datetime(2027, 3, 1, 10, 0, tzinfo=HALL_TZ).astimezone(timezone.utc)
    client = await make_client("1001")
    answer = await client.due_date(date(2026, 12, 28), 10)
    assert answer.guessed and answer.guessed_years == [2027]
    case = await client.create_case(CaseRequest.model_validate(bus_pass()))
    assert case.case_no.startswith("ZC20270301")
    assert case.due_guessed
    assert case.due_date == date(2027, 3, 15)  # Monday–Friday assumed


async def test_holiday_file_for_next_year(tmp_path: Path, clock: FakeClock) -> None:
    holidays = tmp_path / "holidays"
    holidays.mkdir()
    (holidays / "2027.toml").write_text(
        'year = 2027\nholidays = ["2027-01-01", "2027-02-06..2027-02-13"]\n'
        'workdays = ["2027-02-14"]\n',
        encoding="utf-8",
    )
    app = create_app(
        Settings(
            db_path=str(tmp_path / "c.db"),
            seed="demo",
            clock=clock,
            kdf_fast=True,
            holidays_dir=str(holidays),
        )
    )
    client = CentralClient("http://central.test", transport=StreamingASGITransport(app))
    try:
        await client.login("1001", "counter")
        answer = await client.due_date(date(2027, 2, 5), 1)
        assert (answer.due, answer.guessed) == (date(2027, 2, 14), False)
    finally:
        await client.aclose()
    with pytest.raises(ValueError, match="holidays folder"):
        create_app(Settings(db_path=str(tmp_path / "d.db"), holidays_dir=str(tmp_path / "none")))


async def test_due_date_query_is_checked(clerk: Desk) -> None:
    r = await clerk.get("/v1/calendar/due", **{"from": "2026-02-30", "working_days": 5})
    assert r.status_code == 422 and "from" in r.json()["error"]["fields"]
    r = await clerk.get("/v1/calendar/due", **{"from": "2026-02-03", "working_days": -1})
    assert r.status_code == 422 and "working_days" in r.json()["error"]["fields"]
    r = await clerk.get("/v1/calendar/due", **{"from": "9999-12-30", "working_days": 5})
    assert r.status_code == 422


# --- the migration --------------------------------------------------------------------------


def test_0002_upgrades_a_database_created_by_0001(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "old.db"
    old = Settings(db_path=str(path))
    from central.db import make_engine

    engine = make_engine(old)
    cfg = alembic_config()
    with write_tx(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    assert "cases" not in inspect(engine).get_table_names()
    engine.dispose()

    create_app(Settings(db_path=str(path), seed="demo", clock=clock, kdf_fast=True))
    engine = create_engine(f"sqlite:///{path}")
    names = set(inspect(engine).get_table_names())
    assert {"cases", "case_sequences"} <= names
    with engine.connect() as conn:
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        # The newest revision (later issues add their own on top of 0002).
        from alembic.script import ScriptDirectory

        assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert conn.execute(select(func.count()).select_from(cases)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(audit)).scalar() == 0

        # The migration creates what central/schema.py declares for the new tables.
        from alembic.autogenerate import compare_metadata
        from alembic.migration import MigrationContext

        from central.schema import metadata

        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    mine = [d for d in diffs if "case" in repr(d)]
    assert mine == []
