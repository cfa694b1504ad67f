"""What the API and Pilot tests put into the hall before they look: the tests' usual senior
and her bus-pass case, services finished (and rated) at a window, an escalation at a given
step. Plain client calls on the in-process central (and, for store-level tests, a seeded
database file and its Store); no Textual here."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from client import errors
from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.escalation_models import (
    AssignRequest,
    CallbackRequest,
    EscalationRequest,
)
from client.rating_models import RatingRequest
from client.validators import resident_id_check_char

SENIOR_ID = "11010519491231002X"  # valid (GB 11643); 76 on 2026-11-17
MOBILE = "13800138000"

# 老年人公交免费乘车卡办理: 承诺件 10 working days, min_age 65.
BUS_PASS = "GJ-001"
BUS_ID_CARD = "老年人居民身份证"  # required
BUS_PHOTO = "近期一寸免冠彩色照片"  # required, 容缺-able
BUS_PERMIT = "居住证"  # optional


def senior(id_number: str | None = SENIOR_ID, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "person",
        "name": "王秀英",
        "id_kind": "resident_id",
        "id_number": id_number,
        "mobile": MOBILE,
        **extra,
    }


def bus_pass(
    decision: str = "accept",
    card: str = "received",
    photo: str = "received",
    permit: str = "missing",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "item_code": BUS_PASS,
        "applicant": senior(),
        "checklist": [
            {"material": BUS_ID_CARD, "state": card},
            {"material": BUS_PHOTO, "state": photo},
            {"material": BUS_PERMIT, "state": permit},
        ],
        "decision": decision,
    }
    body.update(extra)
    return body


def person(n: int) -> str:
    """A valid ID number of a senior born in 1950, one per n."""
    first17 = f"110105{date(1950, 1, 1) + timedelta(days=n):%Y%m%d}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


async def serve(
    kiosk: CentralClient, clerk: CentralClient, window: int, mobile: str | None,
    applicant: str | None = None,
) -> int:  # fmt: skip
    """One service at `window`; a case is taken when `mobile` is not None ('' leaves none),
    for `applicant` (an ID number; the tests' usual senior when None)."""
    ticket = await kiosk.issue_ticket("A")
    called = await clerk.call_next(window)
    assert called is not None and called.id == ticket.id
    await clerk.start(ticket.id)
    if mobile is not None:
        who = senior(mobile=mobile) if applicant is None else senior(applicant, mobile=mobile)
        body = bus_pass(applicant=who, ticket_id=ticket.id)
        r = await clerk.http.post("/v1/cases", json=body, headers=clerk.auth_headers())
        assert r.status_code == 201, r.text
    await clerk.finish(ticket.id)
    return ticket.id


async def window_1(make_client: Any) -> tuple[CentralClient, CentralClient, CentralClient]:
    """The ticket kiosk, clerk 1001 signed on at window 1, and supervisor 2001."""
    kiosk, clerk, boss = (
        await make_client("kiosk01"),
        await make_client("1001"),
        await make_client("2001"),
    )
    await clerk.sign_on(1)
    return kiosk, clerk, boss


async def serve_with_phones(
    kiosk: CentralClient, clerk: CentralClient, count: int, prefix: str, first: int | None = None
) -> None:
    """`count` services at window 1, each with a case and a mobile of `prefix` then n (eleven
    digits); the applicant person(first + n), or the tests' usual senior when `first` is None."""
    for n in range(count):
        mobile = f"{prefix}{n:0{11 - len(prefix)}d}"
        await serve(kiosk, clerk, 1, mobile, None if first is None else person(first + n))


async def serve_tickets(make_client: Any, clerk: str, window: int, count: int = 1) -> list[int]:
    """`count` tickets issued, called, served and finished at `window` by `clerk`."""
    kiosk = await make_client("kiosk01")
    desk = await make_client(clerk)
    queue = "A" if window <= 5 else {6: "B", 8: "C", 10: "D", 12: "E"}[window]
    with contextlib.suppress(errors.Conflict):  # signed on by an earlier call
        await desk.sign_on(window)
    done: list[int] = []
    for _ in range(count):
        await kiosk.issue_ticket(queue)
        ticket = await desk.call_next(window)
        assert ticket is not None
        await desk.start(ticket.id)
        done.append((await desk.finish(ticket.id)).id)
    return done


NewClient = Callable[[str], Awaitable[CentralClient]]


# Days before the fixed "today" (Tue 2026-11-17) → the levels citizens gave at window 5 (1005).
MONTH_PLAN: dict[int, list[int | None]] = {
    15: [5, 5, 4],
    14: [5, 4, 4, 3],
    12: [5, 5, 5, None],
    8: [5, 2],
    7: [5, 5, 4, 5],
    5: [4, 5, 3],
    1: [5, 5, 5, 4, 1],
    0: [5, 5, 4, 2, None],
}


COMMENTS = {1: "说要补材料，跑了三趟 [b]x[/b]", 2: "等候时间太长"}


def client_factory(central_app: Any) -> tuple[NewClient, list[CentralClient]]:
    made: list[CentralClient] = []

    async def new(staff_no: str) -> CentralClient:
        client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
        made.append(client)
        await client.login(staff_no, "counter")
        return client

    return new, made


async def serve_and_rate(new: NewClient, clock: Any, plan: dict[int, list[int | None]]) -> None:
    """Serve and rate tickets at window 5 (clerk 1005) on the days of `plan`, oldest first;
    the clock ends where it started. One 差评 of day 0 is also at window 1 (clerk 1001)."""
    start = clock.now
    for days_ago in sorted(plan, reverse=True):
        clock.now = start - timedelta(days=days_ago)
        kiosk, desk, pad = await new("kiosk01"), await new("1005"), await new("pad05")
        with contextlib.suppress(errors.Conflict):
            await desk.sign_on(5)
        for level in plan[days_ago]:
            await kiosk.issue_ticket("A")
            ticket = await desk.call_next(5)
            assert ticket is not None
            await desk.start(ticket.id)
            await desk.finish(ticket.id)
            clock.advance(minutes=6)
            if level is not None:
                comment = COMMENTS.get(level, "")
                await pad.post_rating(
                    RatingRequest(ticket_id=ticket.id, level=level, comment=comment)
                )
    clock.now = start
    kiosk, other, pad = await new("kiosk01"), await new("1001"), await new("pad01")
    await other.sign_on(1)
    await kiosk.issue_ticket("A")
    ticket = await other.call_next(1)
    assert ticket is not None
    await other.start(ticket.id)
    await other.finish(ticket.id)
    await pad.post_rating(RatingRequest(ticket_id=ticket.id, level=1, comment="态度差"))


async def register(
    central_app: Any, state: str, reporter: str = "李建华"
) -> tuple[str, CentralClient, CentralClient]:
    clerk = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    boss = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    await clerk.login("1001", "counter")
    await boss.login("2001", "counter")
    made = await clerk.create_escalation(
        EscalationRequest.model_validate(
            {
                "reporter": {"name": reporter, "phone": "13900139000"},
                "category": "complex",
                "description": "不动产登记材料已交仍未受理",
            }
        )
    )
    if state in ("resolved", "called_back"):
        await boss.assign_escalation(made.no, AssignRequest(department="zrzy", handler="周强"))
        await boss.resolve_escalation(made.no, "已补办登记")
    if state == "called_back":
        await boss.escalation_callback(made.no, CallbackRequest(satisfaction="satisfied"))
    return made.no, clerk, boss


def case_row(db_path: Path, case_no: str) -> dict[str, Any]:
    with sqlite3.connect(db_path) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM cases WHERE case_no = ?", (case_no,)).fetchone()
    assert row is not None, case_no
    return dict(row)


# --- store-level tests (the central's own functions, no HTTP) ------------------------------------


def demo_hall_file(path: Path, seeded_at: Any) -> Path:
    """A SQLite file with the newest schema and the demo hall, for a store-level test to open
    (or to copy once per example: migrating and seeding is the slow part)."""
    from central.db import make_engine, write_tx
    from central.hall_seed import apply_hall, load_hall
    from central.migrate import upgrade
    from central.settings import Settings

    engine = make_engine(Settings(db_path=str(path)))
    upgrade(engine)
    with write_tx(engine) as conn:
        apply_hall(conn, load_hall("demo"), lambda _pw: "x", seeded_at)
    engine.dispose()
    return path


def open_store(path: Path, clock: Callable[[], Any]) -> Any:
    """The central's Store on a test database, on `clock`, without the periodic job."""
    from central.db import make_engine
    from central.settings import Settings
    from central.store import Store, make_hasher

    cfg = Settings(db_path=str(path), kdf_fast=True, clock=clock, housekeeping_s=0)
    return Store(
        engine=make_engine(cfg), settings=cfg, hall="demo", hasher=make_hasher(True),
        writer=make_engine(cfg, writer=True),
    )  # fmt: skip
