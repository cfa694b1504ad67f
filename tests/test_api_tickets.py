"""The queue API through httpx, in-process: ticket lifecycle, state machine, roles, numbering,
idempotency and the audit trail, against the seeded demo hall."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from central.app import create_app
from central.schema import audit, tickets
from central.settings import Settings

pytestmark = pytest.mark.backends("sqlite", "postgresql")

# --- fixtures (local to this file) -------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # Monday 09:00 in the hall

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Hall:
    """A client of the demo hall with a token per staff number."""

    def __init__(self, http: httpx.AsyncClient, app: Any, clock: FakeClock) -> None:
        self.http, self.app, self.clock = http, app, clock
        self.tokens: dict[str, str] = {}

    async def h(self, staff_no: str) -> dict[str, str]:
        if staff_no not in self.tokens:
            r = await self.http.post(
                "/v1/auth/login", json={"staff_no": staff_no, "password": "counter"}
            )
            assert r.status_code == 200, r.text
            self.tokens[staff_no] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[staff_no]}"}

    async def post(self, path: str, who: str, **kw: Any) -> httpx.Response:
        return await self.http.post(path, headers=await self.h(who) | kw.pop("headers", {}), **kw)

    async def get(self, path: str, who: str, **kw: Any) -> httpx.Response:
        return await self.http.get(path, headers=await self.h(who), **kw)

    async def issue(self, queue: str = "A", kind: str = "walk_in", **extra: Any) -> dict[str, Any]:
        r = await self.post("/v1/tickets", "kiosk01", json={"queue": queue, "kind": kind, **extra})
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]

    async def sign_on(self, window: int, who: str) -> None:
        r = await self.post(f"/v1/windows/{window}/sign-on", who)
        assert r.status_code == 200, r.text

    async def call(self, window: int, who: str) -> httpx.Response:
        return await self.post(f"/v1/windows/{window}/call-next", who)

    async def act(self, ticket_id: int, action: str, who: str, **kw: Any) -> httpx.Response:
        return await self.post(f"/v1/tickets/{ticket_id}/{action}", who, **kw)

    def db_rows(self, table: Any) -> list[Any]:
        with self.app.state.store.engine.connect() as conn:
            return list(conn.execute(select(table).order_by(table.c.id)).all())


@pytest.fixture
async def hall(tmp_path: Path, db_url: str | None) -> AsyncIterator[Hall]:
    clock = FakeClock()
    app = create_app(
        Settings(
            db_path=str(tmp_path / "c.db"), db_url=db_url, seed="demo", kdf_fast=True, clock=clock
        )
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as http:
        yield Hall(http, app, clock)
    app.state.store.dispose()


def error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body["error"]) == {"code", "message", "fields", "reason", "params"}
    return str(body["error"]["message"])


# --- lifecycle ----------------------------------------------------------------------------------


async def test_full_lifecycle_waiting_called_serving_done(hall: Hall) -> None:
    t = await hall.issue("A")
    assert (t["number"], t["status"], t["queue"]) == ("A001", "waiting", "A")
    await hall.sign_on(1, "1001")
    r = await hall.call(1, "1001")
    assert r.status_code == 200
    called = r.json()
    assert (called["id"], called["status"], called["window_no"]) == (t["id"], "called", 1)
    assert called["staff_no"] == "1001"
    window = (await hall.get("/v1/windows/1", "1001")).json()
    assert window["status"] == "calling" and window["current_ticket"]["number"] == "A001"

    r = await hall.act(t["id"], "recall", "1001")
    assert r.json()["status"] == "called" and r.json()["recall_count"] == 1
    hall.clock.advance(seconds=30)
    r = await hall.act(t["id"], "start", "1001")
    assert r.json()["status"] == "serving"
    assert (await hall.get("/v1/windows/1", "1001")).json()["status"] == "serving"
    hall.clock.advance(minutes=5)
    r = await hall.act(t["id"], "finish", "1001")
    done = r.json()
    assert done["status"] == "done" and done["finished_at"] is not None

    window = (await hall.get("/v1/windows/1", "1001")).json()
    assert window["status"] == "idle" and window["current_ticket"] is None
    assert window["served_today"] == 1
    queues = (await hall.get("/v1/queues", "display01")).json()["queues"]
    a = next(q for q in queues if q["prefix"] == "A")
    assert (a["waiting"], a["issued_today"], a["served_today"]) == (0, 1, 1)
    got = (await hall.get(f"/v1/tickets/{t['id']}", "display01")).json()
    # The finish answer carried the window and the queue figures as read afterwards.
    at_window = done.pop("at_window")
    assert at_window["window"] == window
    assert at_window["queues"]["queues"] == queues
    assert got == done


async def test_call_next_answers_204_when_nothing_waits(hall: Hall) -> None:
    await hall.sign_on(6, "1006")
    r = await hall.call(6, "1006")
    assert r.status_code == 204 and r.content == b""


async def test_no_show_then_supervisor_reactivates(hall: Hall) -> None:
    t = await hall.issue("A")
    await hall.sign_on(1, "1001")
    await hall.call(1, "1001")
    r = await hall.act(t["id"], "no-show", "1001")
    assert r.json()["status"] == "missed"
    assert (await hall.get("/v1/windows/1", "1001")).json()["status"] == "idle"
    error(await hall.act(t["id"], "reactivate", "1001"), 403)
    r = await hall.act(t["id"], "reactivate", "2001")
    assert r.json()["status"] == "waiting" and r.json()["window_no"] is None
    again = (await hall.call(1, "1001")).json()
    assert again["id"] == t["id"]


async def test_hold_frees_the_window_and_call_back_needs_it_free(hall: Hall) -> None:
    first, second = await hall.issue("A"), await hall.issue("A")
    await hall.sign_on(1, "1001")
    await hall.call(1, "1001")
    await hall.act(first["id"], "start", "1001")
    assert (await hall.act(first["id"], "hold", "1001")).json()["status"] == "held"
    assert (await hall.call(1, "1001")).json()["id"] == second["id"]
    msg = error(await hall.act(first["id"], "call-back", "1001"), 409)
    assert "A002" in msg and "call A001 back" in msg
    await hall.act(second["id"], "start", "1001")
    await hall.act(second["id"], "finish", "1001")
    r = await hall.act(first["id"], "call-back", "1001")
    assert r.json()["status"] == "serving" and r.json()["window_no"] == 1


async def test_transfer_to_queue_and_to_window(hall: Hall) -> None:
    t = await hall.issue("A")
    await hall.sign_on(1, "1001")
    await hall.call(1, "1001")
    r = await hall.act(t["id"], "transfer", "1001", json={"queue": "B"})
    moved = r.json()
    assert (moved["status"], moved["queue"], moved["transferred_from"]) == ("waiting", "B", "A")
    assert moved["window_no"] is None
    assert (await hall.get("/v1/windows/1", "1001")).json()["status"] == "idle"
    await hall.sign_on(6, "1006")  # window 6 serves B
    assert (await hall.call(6, "1006")).json()["id"] == t["id"]

    # Transfer to one window: only that window may call it, even though others serve queue B.
    r = await hall.act(t["id"], "transfer", "1006", json={"window_no": 10})
    assert r.json()["target_window"] == 10
    await hall.sign_on(7, "1007")  # window 7 serves B too
    assert (await hall.call(7, "1007")).status_code == 204
    await hall.sign_on(10, "1010")  # window 10 serves only D, but the ticket is for it
    assert (await hall.call(10, "1010")).json()["id"] == t["id"]


async def test_transfer_body_must_name_exactly_one_target(hall: Hall) -> None:
    t = await hall.issue("A")
    await hall.sign_on(1, "1001")
    await hall.call(1, "1001")
    error(await hall.act(t["id"], "transfer", "1001", json={}), 422)
    error(await hall.act(t["id"], "transfer", "1001", json={"queue": "B", "window_no": 6}), 422)
    r = await hall.act(t["id"], "transfer", "1001", json={"queue": "Z"})
    assert "queue" in r.json()["error"]["fields"]
    error(await hall.act(t["id"], "transfer", "1001", json={"window_no": 10**30}), 422)
    error(await hall.act(t["id"], "transfer", "1001", json={"window_no": 1}), 422)


async def test_cancel_is_for_supervisors_and_waiting_tickets(hall: Hall) -> None:
    t = await hall.issue("C")
    await hall.sign_on(8, "1008")
    error(await hall.act(t["id"], "cancel", "1008"), 403)
    r = await hall.act(t["id"], "cancel", "2001")
    assert r.json()["status"] == "cancelled"
    assert (await hall.call(8, "1008")).status_code == 204


# --- every illegal transition is a 409 with a sentence -------------------------------------------

ACTIONS = ["recall", "no-show", "start", "finish", "hold", "call-back", "cancel", "reactivate"]
LEGAL = {
    "waiting": {"cancel"},
    "called": {"recall", "no-show", "start", "transfer"},
    "serving": {"finish", "hold", "transfer"},
    "held": {"call-back"},
    "done": set(),
    "missed": {"reactivate"},
    "cancelled": set(),
}


async def _ticket_in(hall: Hall, status: str) -> dict[str, Any]:
    t = await hall.issue("D")
    if status == "waiting":
        return t
    if status == "cancelled":
        await hall.act(t["id"], "cancel", "2001")
        return t
    await hall.sign_on(10, "1010")
    await hall.call(10, "1010")
    steps = {
        "called": [],
        "serving": ["start"],
        "held": ["start", "hold"],
        "done": ["start", "finish"],
        "missed": ["no-show"],
    }[status]
    for step in steps:
        assert (await hall.act(t["id"], step, "1010")).status_code == 200
    return t


@pytest.mark.parametrize("status", list(LEGAL))
async def test_every_illegal_transition_answers_409(hall: Hall, status: str) -> None:
    t = await _ticket_in(hall, status)
    for action in [*ACTIONS, "transfer"]:
        if action in LEGAL[status]:
            continue
        body = {"json": {"queue": "A"}} if action == "transfer" else {}
        r = await hall.act(t["id"], action, "2001", **body)  # the supervisor may do anything
        msg = error(r, 409)
        assert msg.startswith(f"Ticket D001 is {status}; only a"), msg
    got = (await hall.get(f"/v1/tickets/{t['id']}", "2001")).json()
    assert got["status"] == status  # nothing changed


async def test_no_show_of_a_done_ticket_says_why(hall: Hall) -> None:
    t = await _ticket_in(hall, "done")
    msg = error(await hall.act(t["id"], "no-show", "1010"), 409)
    assert msg == "Ticket D001 is done; only a called ticket can be marked no-show."


async def test_unknown_ticket_and_window_are_404_and_bad_ids_422(hall: Hall) -> None:
    error(await hall.get("/v1/tickets/424242", "2001"), 404)
    error(await hall.act(424242, "start", "2001"), 404)
    error(await hall.get("/v1/windows/99", "2001"), 404)
    error(await hall.post("/v1/windows/99/call-next", "2001"), 404)
    error(await hall.get("/v1/tickets/99999999999999999999999", "2001"), 422)
    error(await hall.get("/v1/tickets/abc", "2001"), 422)
    error(await hall.post("/v1/windows/-1/sign-on", "2001"), 422)


# --- windows: sign-on, pause, call-next preconditions --------------------------------------------


async def test_sign_on_rules(hall: Hall) -> None:
    await hall.sign_on(1, "1001")
    await hall.sign_on(1, "1001")  # again: idempotent
    msg = error(await hall.post("/v1/windows/1/sign-on", "1002"), 409)
    assert "王芳 (1001)" in msg
    msg = error(await hall.post("/v1/windows/2/sign-on", "1001"), 409)
    assert "window 1" in msg
    error(await hall.post("/v1/windows/2/sign-on", "kiosk01"), 403)


async def test_sign_on_again_keeps_the_current_ticket(hall: Hall) -> None:
    t = await hall.issue("A")
    await hall.sign_on(1, "1001")
    await hall.call(1, "1001")
    r = await hall.post("/v1/windows/1/sign-on", "1001")
    assert r.json()["current_ticket"]["id"] == t["id"] and r.json()["status"] == "calling"
    msg = error(await hall.post("/v1/windows/1/sign-off", "1001"), 409)
    assert "A001" in msg


async def test_call_next_preconditions(hall: Hall) -> None:
    await hall.issue("A")
    await hall.issue("A")
    assert "signed off" in error(await hall.call(1, "1001"), 409)
    await hall.sign_on(1, "1001")
    error(await hall.call(1, "1002"), 403)  # another clerk's window
    error(await hall.call(1, "kiosk01"), 403)
    r = await hall.post("/v1/windows/1/pause", "1001", json={"reason": "break"})
    assert r.json()["status"] == "paused" and r.json()["pause_reason"] == "break"
    assert "paused" in error(await hall.call(1, "1001"), 409)
    error(await hall.post("/v1/windows/1/pause", "1001", json={"reason": "break"}), 409)
    assert (await hall.post("/v1/windows/1/resume", "1001")).json()["status"] == "idle"
    error(await hall.post("/v1/windows/1/resume", "1001"), 409)
    await hall.call(1, "1001")
    msg = error(await hall.call(1, "1001"), 409)
    assert msg == "Start, transfer or mark no-show for A001 first."
    msg = error(await hall.post("/v1/windows/1/pause", "1001", json={"reason": "other"}), 409)
    assert "A001" in msg
    error(await hall.post("/v1/windows/1/pause", "1001", json={"reason": "nap"}), 422)


async def test_supervisor_may_call_at_a_signed_on_window(hall: Hall) -> None:
    t = await hall.issue("A")
    await hall.sign_on(2, "1002")
    r = await hall.call(2, "2001")
    assert r.json()["id"] == t["id"] and r.json()["staff_no"] == "1002"


# --- roles ----------------------------------------------------------------------------------------


async def test_roles_are_enforced_by_the_server(hall: Hall) -> None:
    error(await hall.post("/v1/tickets", "1001", json={"queue": "A"}), 403)
    error(await hall.post("/v1/tickets", "display01", json={"queue": "A"}), 403)
    error(await hall.post("/v1/tickets", "pad01", json={"queue": "A"}), 403)
    assert (await hall.post("/v1/tickets", "2001", json={"queue": "A"})).status_code == 201
    t = await hall.issue("A")
    await hall.sign_on(1, "1001")
    await hall.sign_on(2, "1002")
    called = (await hall.call(1, "1001")).json()
    # A ticket called at window 1 is not window 2's to handle.
    msg = error(await hall.act(called["id"], "start", "1002"), 403)
    assert "not called at your window" in msg
    error(await hall.act(called["id"], "start", "display01"), 403)
    error(await hall.post("/v1/windows/1/sign-off", "1002"), 403)
    error(await hall.post("/v1/windows/1/pause", "1002", json={"reason": "break"}), 403)
    error(await hall.get("/v1/audit", "1001"), 403)
    error(await hall.get("/v1/audit", "kiosk01"), 403)
    # Reads are open to every signed-in role, devices included.
    for who in ("display01", "pad01", "1001"):
        assert (await hall.get("/v1/hall", who)).status_code == 200
        assert (await hall.get(f"/v1/tickets/{t['id']}", who)).status_code == 200
    # A supervisor may act on any ticket and sign any window off once it is free.
    assert (await hall.act(called["id"], "no-show", "2001")).status_code == 200
    assert (await hall.post("/v1/windows/1/sign-off", "2001")).json()["status"] == "signed_off"


# --- call order -----------------------------------------------------------------------------------


async def test_call_order_green_then_due_appointment_then_priority_then_fifo(hall: Hall) -> None:
    now = hall.clock.now
    f1 = await hall.issue("F")  # window 1: A priority 1, F priority 2
    a1 = await hall.issue("A")
    later = await hall.issue(
        "A", "appointment", appointment_at=(now + timedelta(hours=2)).isoformat()
    )
    due = await hall.issue(
        "A", "appointment", appointment_at=(now - timedelta(minutes=5)).isoformat()
    )
    f_green = await hall.issue("F", "green")
    a2 = await hall.issue("A")
    await hall.sign_on(1, "1001")
    order = []
    for _ in range(6):
        r = await hall.call(1, "1001")
        order.append(r.json()["id"])
        await hall.act(r.json()["id"], "no-show", "1001")
    assert (await hall.call(1, "1001")).status_code == 204
    # green (even in the lower-priority queue), the due appointment, queue A by arrival
    # (a future appointment waits like a walk-in), then queue F.
    assert order == [f_green["id"], due["id"], a1["id"], later["id"], a2["id"], f1["id"]]


async def test_appointment_needs_a_slot_and_walk_in_has_none(hall: Hall) -> None:
    r = await hall.post("/v1/tickets", "kiosk01", json={"queue": "A", "kind": "appointment"})
    assert "appointment_at" in r.json()["error"]["fields"]
    r = await hall.post(
        "/v1/tickets",
        "kiosk01",
        json={"queue": "A", "appointment_at": "2026-03-02T10:00:00+08:00"},
    )
    error(r, 422)
    r = await hall.post(
        "/v1/tickets",
        "kiosk01",
        json={"queue": "A", "kind": "appointment", "appointment_at": "0001-01-01T00:00:00+08:00"},
    )
    error(r, 422)
    r = await hall.post(
        "/v1/tickets",
        "kiosk01",
        json={"queue": "A", "kind": "appointment", "appointment_at": "2026-03-02T10:00:00"},
    )
    assert r.json()["appointment_at"] == "2026-03-02T02:00:00Z"  # naive = hall-local


# --- numbering ------------------------------------------------------------------------------------


async def test_daily_sequence_per_queue_resets_at_hall_midnight(hall: Hall) -> None:
    numbers = [(await hall.issue(q))["number"] for q in ("A", "A", "B", "A", "B")]
    assert numbers == ["A001", "A002", "B001", "A003", "B002"]
    hall.clock.now = datetime(2026, 3, 2, 15, 59, tzinfo=timezone.utc)  # 23:59 in the hall
    hall.tokens.clear()  # the morning's tokens have expired (12 h)
    assert (await hall.issue("A"))["number"] == "A004"
    hall.clock.advance(minutes=2)  # 00:01 on 3 March in the hall (still 2 March in UTC)
    assert (await hall.issue("A"))["number"] == "A001"
    queues = (await hall.get("/v1/queues", "2001")).json()["queues"]
    assert next(q for q in queues if q["prefix"] == "A")["issued_today"] == 1


async def test_daily_cap_is_refused_with_409(hall: Hall) -> None:
    with hall.app.state.store.engine.begin() as conn:
        conn.execute(text("UPDATE queues SET daily_cap = 2 WHERE prefix = 'D'"))
    await hall.issue("D")
    await hall.issue("D")
    msg = error(await hall.post("/v1/tickets", "kiosk01", json={"queue": "D"}), 409)
    assert "all 2 tickets" in msg
    assert (await hall.issue("A"))["number"] == "A001"  # other queues unaffected
    assert len([r for r in hall.db_rows(tickets) if r.queue_prefix == "D"]) == 2


async def test_unknown_queue_is_422_naming_the_field(hall: Hall) -> None:
    r = await hall.post("/v1/tickets", "kiosk01", json={"queue": "Q"})
    assert error(r, 422).startswith("There is no queue 'Q'")
    assert r.json()["error"]["fields"] == {"queue": "unknown queue"}
    lone_surrogate = b'{"queue": "\\ud800"}'  # valid JSON, not valid text
    r = await hall.post(
        "/v1/tickets",
        "kiosk01",
        content=lone_surrogate,
        headers={"Content-Type": "application/json"},
    )
    error(r, 422)


# --- idempotency ----------------------------------------------------------------------------------


async def test_same_idempotency_key_returns_the_first_answer_once(hall: Hall) -> None:
    key = {"Idempotency-Key": "k-1"}
    first = await hall.post("/v1/tickets", "kiosk01", json={"queue": "A"}, headers=key)
    again = await hall.post("/v1/tickets", "kiosk01", json={"queue": "A"}, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(hall.db_rows(tickets)) == 1
    other = await hall.post("/v1/tickets", "kiosk01", json={"queue": "A"}, headers={})
    assert other.json()["number"] == "A002"
    # The same key for a different request is refused, not silently answered.
    error(await hall.post("/v1/tickets", "kiosk01", json={"queue": "B"}, headers=key), 409)
    # Another actor's key space is its own.
    mine = await hall.post("/v1/tickets", "2001", json={"queue": "A"}, headers=key)
    assert mine.json()["number"] == "A003"


async def test_call_next_retry_does_not_take_a_second_ticket(hall: Hall) -> None:
    t1, t2 = await hall.issue("A"), await hall.issue("A")
    await hall.sign_on(1, "1001")
    key = {"Idempotency-Key": "call-1"}
    r1 = await hall.post("/v1/windows/1/call-next", "1001", headers=key)
    r2 = await hall.post("/v1/windows/1/call-next", "1001", headers=key)
    assert r1.json() == r2.json() and r1.json()["id"] == t1["id"]
    assert [r.status for r in hall.db_rows(tickets)] == ["called", "waiting"]
    await hall.act(t1["id"], "no-show", "1001")
    empty_key = {"Idempotency-Key": "call-2"}
    await hall.post("/v1/windows/1/call-next", "1001", headers=empty_key)
    await hall.act(t2["id"], "no-show", "1001")
    r = await hall.post("/v1/windows/1/call-next", "1001", headers={"Idempotency-Key": "call-3"})
    assert r.status_code == 204
    r = await hall.post("/v1/windows/1/call-next", "1001", headers={"Idempotency-Key": "call-3"})
    assert r.status_code == 204 and r.content == b""


# --- audit ----------------------------------------------------------------------------------------


async def test_every_change_is_audited_and_the_trail_is_append_only(hall: Hall) -> None:
    t = await hall.issue("A")
    await hall.sign_on(1, "1001")
    await hall.call(1, "1001")
    await hall.act(t["id"], "start", "1001")
    await hall.act(t["id"], "finish", "1001")
    rows = [r for r in hall.db_rows(audit) if r.object_type == "ticket"]
    assert [r.action for r in rows] == [
        "ticket.issue",
        "ticket.call",
        "ticket.start",
        "ticket.finish",
    ]
    start = rows[2]
    assert (start.actor, start.role, start.window_no) == ("1001", "clerk", 1)
    assert start.source == "127.0.0.1"
    assert start.before["status"] == "called" and start.after["status"] == "serving"
    assert rows[0].actor == "kiosk01" and rows[0].before is None

    r = await hall.get("/v1/audit", "2001", params={"object": f"ticket:{t['id']}"})
    assert [a["action"] for a in r.json()] == [r.action for r in rows]
    r = await hall.get("/v1/audit", "2001", params={"actor": "1001", "object": "1"})
    assert {a["action"] for a in r.json()} >= {"window.sign_on", "ticket.start"}
    r = await hall.get(
        "/v1/audit",
        "0001",
        params={"from": "2026-03-02T09:00:00+08:00", "to": "2026-03-02T09:00:00.000001+08:00"},
    )
    assert len(r.json()) >= 4
    r = await hall.get("/v1/audit", "2001", params={"from": "2030-01-01T00:00:00Z"})
    assert r.json() == []
    error(await hall.get("/v1/audit", "2001", params={"from": "0001-01-01T00:00:00+08:00"}), 422)
    error(await hall.get("/v1/audit", "2001", params={"to": "0.5"}), 422)

    with hall.app.state.store.engine.connect() as conn, pytest.raises(Exception, match="append"):
        conn.execute(text("UPDATE audit SET action = 'x'"))
    with hall.app.state.store.engine.connect() as conn, pytest.raises(Exception, match="append"):
        conn.execute(text("DELETE FROM audit"))


async def test_refused_changes_leave_no_audit_row(hall: Hall) -> None:
    t = await hall.issue("A")
    await hall.h("2001"), await hall.h("1001")  # log in first: logins are audited too
    before = len(hall.db_rows(audit))
    error(await hall.act(t["id"], "finish", "2001"), 409)
    error(await hall.act(t["id"], "cancel", "1001"), 403)
    assert len(hall.db_rows(audit)) == before


# --- concurrency through the API ------------------------------------------------------------------


async def test_windows_calling_at_once_never_share_a_ticket(hall: Hall) -> None:
    import asyncio

    windows = {1: "1001", 2: "1002", 3: "1003", 4: "1004", 5: "1005", 7: "1007", 13: "1013"}
    issued = {(await hall.issue("A"))["id"] for _ in range(60)}
    for no, who in windows.items():
        await hall.sign_on(no, who)

    async def serve(no: int, who: str) -> list[int]:
        mine: list[int] = []
        while True:
            r = await hall.call(no, who)
            if r.status_code == 204:
                return mine
            assert r.status_code == 200, r.text
            mine.append(r.json()["id"])
            assert (await hall.act(mine[-1], "no-show", who)).status_code == 200

    results = await asyncio.gather(*(serve(no, who) for no, who in windows.items()))
    every = [tid for got in results for tid in got]
    assert len(every) == len(set(every)) == len(issued) and set(every) == issued
    assert sum(1 for got in results if got) >= 2
