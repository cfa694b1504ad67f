"""Login, tokens, the error shape, the OpenAPI document and the hall seed, through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.app import create_app
from central.hall_seed import HallFileError, demo_accounts, load_hall
from central.settings import Settings

pytestmark = pytest.mark.backends("sqlite", "postgresql")


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://central")


@pytest.fixture
async def api(
    tmp_path: Path, clock: FakeClock, db_url: str | None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        Settings(
            db_path=str(tmp_path / "c.db"), db_url=db_url, seed="demo", kdf_fast=True, clock=clock
        )
    )
    async with await _client(app) as http:
        yield http
    app.state.store.dispose()


async def login(api: httpx.AsyncClient, staff_no: str, password: str = "counter") -> httpx.Response:
    return await api.post("/v1/auth/login", json={"staff_no": staff_no, "password": password})


def bearer(r: httpx.Response) -> dict[str, str]:
    return {"Authorization": f"Bearer {r.json()['token']}"}


def error(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body: dict[str, Any] = r.json()["error"]
    assert set(body) == {"code", "message", "fields", "reason", "params"} and body[
        "message"
    ].endswith(".")
    return body


async def test_login_answers_a_token_and_the_staff(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    r = await login(api, "1001")
    assert r.status_code == 200
    body = r.json()
    assert body["staff"] == {
        "staff_no": "1001",
        "name": "王芳",
        "role": "clerk",
        "department": "市政务服务中心",
        "usual_window": 1,
    }
    expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))  # 3.10 reads no Z
    assert expires == clock.now + timedelta(hours=12)
    me = await api.get("/v1/me", headers=bearer(r))
    assert me.json()["staff_no"] == "1001"
    supervisor = (await login(api, "2001")).json()["staff"]
    assert supervisor["role"] == "supervisor"
    assert (await login(api, "kiosk01")).json()["staff"]["role"] == "device"


async def test_wrong_password_and_unknown_staff_get_the_same_401(api: httpx.AsyncClient) -> None:
    wrong = error(await login(api, "1001", "nope"), 401)
    unknown = error(await login(api, "9999", "nope"), 401)
    assert wrong["message"] == unknown["message"] == "Wrong staff number or password."


async def test_five_failures_within_five_minutes_give_429(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    for _ in range(5):
        error(await login(api, "1002", "bad"), 401)
        clock.advance(seconds=30)
    body = error(await login(api, "1002"), 429)  # even the right password waits
    assert "1002" in body["message"]
    assert (await login(api, "1003")).status_code == 200  # other staff are not affected
    clock.advance(minutes=5)
    assert (await login(api, "1002")).status_code == 200


async def test_missing_bad_and_expired_tokens_are_401(
    api: httpx.AsyncClient, clock: FakeClock
) -> None:
    r = await api.get("/v1/hall")
    error(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    error(await api.get("/v1/hall", headers={"Authorization": "Bearer nonsense"}), 401)
    error(await api.get("/v1/hall", headers={"Authorization": "Basic dXNlcg=="}), 401)
    headers = bearer(await login(api, "1001"))
    assert (await api.get("/v1/hall", headers=headers)).status_code == 200
    clock.advance(hours=12, seconds=1)
    assert "expired" in error(await api.get("/v1/hall", headers=headers), 401)["message"]
    error(await api.post("/v1/windows/1/sign-on", headers=headers), 401)


async def test_logout_ends_the_session(api: httpx.AsyncClient) -> None:
    headers = bearer(await login(api, "1001"))
    r = await api.post("/v1/auth/logout", headers=headers)
    assert r.status_code == 204
    error(await api.get("/v1/me", headers=headers), 401)


async def test_validation_errors_map_fields_to_messages(api: httpx.AsyncClient) -> None:
    body = error(await api.post("/v1/auth/login", json={"staff_no": "1001"}), 422)
    assert body["code"] == "invalid" and "password" in body["fields"]
    body = error(await api.post("/v1/auth/login", content=b"{not json"), 422)
    assert body["fields"]
    headers = bearer(await login(api, "kiosk01"))
    body = error(
        await api.post("/v1/tickets", json={"queue": "A", "kind": "vip"}, headers=headers), 422
    )
    assert list(body["fields"]) == ["kind"]
    long_key = {"Idempotency-Key": "k" * 201, **headers}
    body = error(await api.post("/v1/tickets", json={"queue": "A"}, headers=long_key), 422)
    assert "Idempotency-Key" in body["fields"]


async def test_unknown_routes_and_methods_use_the_error_shape(api: httpx.AsyncClient) -> None:
    assert error(await api.get("/v1/nowhere"), 404)["code"] == "not_found"
    error(await api.delete("/v1/hall"), 405)


async def test_hall_lists_the_demo_hall(api: httpx.AsyncClient) -> None:
    headers = bearer(await login(api, "display01"))
    hall = (await api.get("/v1/hall", headers=headers)).json()
    assert hall["name"] == "某市政务服务中心" and hall["code"] == "demo"
    assert [q["prefix"] for q in hall["queues"]] == ["A", "B", "C", "D", "E", "F"]
    assert len(hall["windows"]) >= 14 and len(hall["departments"]) >= 10
    general = [w for w in hall["windows"] if w["general"]]
    assert [w["no"] for w in general] == [1, 2, 3, 4, 5]
    assert all(w["queues"][0] == {"prefix": "A", "priority": 1} for w in general)
    assert all(w["status"] == "signed_off" for w in hall["windows"])


async def test_openapi_declares_the_error_shapes(api: httpx.AsyncClient) -> None:
    doc = (await api.get("/openapi.json")).json()
    ref = "#/components/schemas/ErrorResponse"
    call_next = doc["paths"]["/v1/windows/{no}/call-next"]["post"]
    for status in ("401", "403", "404", "409", "422"):
        schema = call_next["responses"][status]["content"]["application/json"]["schema"]
        assert schema["$ref"] == ref
    assert "204" in call_next["responses"]
    assert "429" in doc["paths"]["/v1/auth/login"]["post"]["responses"]
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for path in ("/v1/tickets/{ticket_id}/no-show", "/v1/events", "/v1/events/poll", "/v1/audit"):
        assert path in doc["paths"]
    assert doc["components"]["securitySchemes"]


def test_demo_accounts_for_the_login_screen() -> None:
    accounts = demo_accounts()
    by_no = {a["staff_no"]: a for a in accounts}
    clerks = [a for a in accounts if a["role"] == "clerk"]
    assert [a["staff_no"] for a in clerks] == [f"{n}" for n in range(1001, 1015)]
    assert all(a["password"] == "counter" for a in accounts)
    assert by_no["1001"]["window"] == 1 and by_no["1014"]["window"] == 14
    assert by_no["2001"]["role"] == "supervisor" and by_no["2001"]["title"] == "值班长"
    assert by_no["0001"]["role"] == "admin"
    assert {a["device"] for a in accounts if a["role"] == "device"} == {"kiosk", "pad", "display"}
    assert all(a["window"] is None for a in accounts if a["role"] == "device")


async def test_a_hall_file_of_its_own_and_no_reseeding(
    tmp_path: Path, clock: FakeClock, db_url: str | None
) -> None:
    hall_file = tmp_path / "hall.toml"
    hall_file.write_text(
        '[hall]\ncode = "h1"\nname = "Test hall"\n'
        '[[departments]]\ncode = "d"\nname = "Dept"\n'
        '[[queues]]\nprefix = "K"\nname = "Only"\ndaily_cap = 9\n'
        '[[windows]]\nno = 3\nname = "W3"\nqueues = [["K", 1]]\n'
        '[[staff]]\nstaff_no = "7"\nname = "Seven"\nrole = "supervisor"\npassword = "pw"\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "h.db")
    app = create_app(
        Settings(db_path=db, db_url=db_url, seed=str(hall_file), kdf_fast=True, clock=clock)
    )
    async with await _client(app) as http:
        headers = bearer(await login(http, "7", "pw"))
        hall = (await http.get("/v1/hall", headers=headers)).json()
        assert (hall["code"], [w["no"] for w in hall["windows"]]) == ("h1", [3])
        await http.post("/v1/tickets", json={"queue": "K"}, headers=headers)
    app.state.store.dispose()
    # Opening the same database again keeps its data and does not seed twice.
    again = create_app(Settings(db_path=db, db_url=db_url, seed="demo", kdf_fast=True, clock=clock))
    async with await _client(again) as http:
        headers = bearer(await login(http, "7", "pw"))
        queues = (await http.get("/v1/queues", headers=headers)).json()["queues"]
        assert [(q["prefix"], q["issued_today"]) for q in queues] == [("K", 1)]
    again.state.store.dispose()


def test_a_broken_hall_file_names_the_file_and_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[hall]\ncode = "x"\nname = "x"\n[[windows]]\nno = 1\nname = "w"\nqueues = [["Z", 1]]\n'
    )
    with pytest.raises(HallFileError, match=r"bad\.toml: window 1 serves unknown queue 'Z'"):
        load_hall(str(bad))
    with pytest.raises(HallFileError, match="cannot read"):
        load_hall(str(tmp_path / "missing.toml"))


async def test_without_a_seed_the_hall_is_empty(tmp_path: Path, db_url: str | None) -> None:
    app = create_app(
        Settings(db_path=str(tmp_path / "e.db"), db_url=db_url, hall_code="h9", kdf_fast=True)
    )
    assert app.state.store.hall == "h9"
    async with await _client(app) as http:
        error(await login(http, "1001"), 401)
    app.state.store.dispose()


async def test_bad_bodies_and_methods_answer_in_the_contract(api: httpx.AsyncClient) -> None:
    body = error(
        await api.post(
            "/v1/auth/login", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
        ),
        422,
    )
    assert body["fields"]
    r = await api.request("TRACE", "/v1/hall")
    error(r, 405)
    assert "GET" in r.headers["allow"]


async def test_the_contract_is_exact_about_ids_methods_and_days(api: httpx.AsyncClient) -> None:
    doc = (await api.get("/openapi.json")).json()
    bounds: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            bounds.extend(v for k, v in node.items() if k in ("maximum", "exclusiveMaximum"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert bounds and all(isinstance(b, int) for b in bounds), sorted(map(str, bounds))
    ticket_id = doc["components"]["schemas"]["RatingRequest"]["properties"]["ticket_id"]
    assert ticket_id["exclusiveMaximum"] == 2**63  # the largest id taken is 2⁶³ - 1, exactly

    headers = bearer(await login(api, "2001"))
    # A method the path does not have: 405 naming every method it has, not the first route's.
    for method in ("OPTIONS", "DELETE"):
        r = await api.request(method, "/v1/escalations", headers=headers)
        assert r.status_code == 405
        assert {m.strip() for m in r.headers["Allow"].split(",")} >= {"GET", "POST"}
    # A day is written out: a bare number is not taken as a Unix timestamp (1970-01-01).
    for query in ({"to": "0"}, {"from": "1"}, {"to": "20261117"}):
        body = error(await api.get("/v1/ratings", params=query, headers=headers), 422)
        assert list(body["fields"]) == list(query)
    due = await api.get(
        "/v1/calendar/due", params={"from": "0", "working_days": 1}, headers=headers
    )
    assert error(due, 422)["fields"] == {"from": "Value error, a day written YYYY-MM-DD"}
    ok = await api.get("/v1/ratings", params={"to": "2026-03-02"}, headers=headers)
    assert ok.status_code == 200
