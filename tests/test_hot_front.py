"""The hot front (central.hot_front) answers byte for byte as the full FastAPI app does.

Two centrals on the same seed and the same clock, one with the front and one without
(`Settings.hot_front=False`), are given the same requests through httpx's ASGI transport: every
answer — success, 204, each refusal, a replayed Idempotency-Key, a 500 raised inside a step —
has the same status, the same headers and the same bytes, and the audit records the same
source. The requests the front must take are seen taken; those it must leave are seen left."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from central import tickets as engine
from central.app import create_app
from central.settings import Settings
from tests.conftest import FakeClock

pytestmark = pytest.mark.backends("sqlite", "postgresql")


class Twins:
    """The same requests to a central with the hot front and one without; equal answers."""

    def __init__(self, hot: Any, full: Any) -> None:
        self.apps = (hot, full)
        self.tokens: dict[str, tuple[str, str]] = {}

    async def send(self, app: Any, method: str, path: str, **kw: Any) -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as http:
            return await http.request(method, path, **kw)

    async def login(self, staff_no: str) -> None:
        tokens = []
        for app in self.apps:
            body = {"staff_no": staff_no, "password": "counter"}
            answer = await self.send(app, "POST", "/v1/auth/login", json=body)
            tokens.append(answer.json()["token"])
        self.tokens[staff_no] = (tokens[0], tokens[1])

    async def both(
        self, path: str, who: str | None = "1001", method: str = "POST", **kw: Any
    ) -> httpx.Response:
        answers = []
        given = kw.pop("headers", {})
        for i, app in enumerate(self.apps):
            headers = dict(given)
            if who is not None:
                headers.setdefault("Authorization", f"Bearer {self.tokens[who][i]}")
            answers.append(await self.send(app, method, path, **{**kw, "headers": headers}))
        hot, full = answers
        assert (hot.status_code, hot.headers.raw, hot.content) == (
            full.status_code,
            full.headers.raw,
            full.content,
        ), path
        return hot


def _app(path: Path, db_url: str | None, clock: FakeClock, **more: Any) -> Any:
    return create_app(
        Settings(db_path=str(path), db_url=db_url, seed="demo", clock=clock, kdf_fast=True, **more)
    )


@pytest.fixture
def twins(
    tmp_path: Path, db_url: str | None, backend: str, clock: FakeClock, request: Any
) -> Iterator[Twins]:
    other = cluster = None
    if backend == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        other = cluster.new_database()
    proxies = {"trusted_proxies": ["127.0.0.1"]}
    hot = _app(tmp_path / "hot.db", db_url, clock, **proxies)
    url = cluster.url(other) if cluster else None
    full = _app(tmp_path / "full.db", url, clock, hot_front=False, **proxies)
    yield Twins(hot, full)
    for app in (hot, full):
        app.state.store.dispose()
    if cluster is not None:
        cluster.drop_database(other)


async def test_every_answer_of_the_front_is_the_full_apps(
    twins: Twins, clock: FakeClock, served_hot: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for staff_no in ("1001", "kiosk01", "2001"):
        await twins.login(staff_no)
    for queue in ("A", "A", "A", "B"):
        assert (await twins.both("/v1/tickets", "kiosk01", json={"queue": queue})).is_success
    assert (await twins.both("/v1/windows/1/sign-on")).is_success
    assert served_hot == []
    # Successes, through the front.
    called = await twins.both("/v1/windows/1/call-next", headers={"X-Forwarded-For": "203.0.113.7"})
    first = called.json()["id"]
    assert called.status_code == 200 and called.headers["content-type"] == "application/json"
    clock.advance(seconds=30)
    assert (await twins.both(f"/v1/tickets/{first}/recall?why=again")).status_code == 200
    assert (await twins.both(f"/v1/tickets/{first}/start")).status_code == 200
    # Refusals, through the front: 409, 404, 403, 401 (none, unknown, another scheme).
    assert (await twins.both(f"/v1/tickets/{first}/recall")).status_code == 409
    assert (await twins.both("/v1/windows/1/call-next")).status_code == 409
    assert (await twins.both("/v1/tickets/999999/start")).status_code == 404
    assert (await twins.both("/v1/windows/1/call-next", "kiosk01")).status_code == 403
    assert (await twins.both("/v1/windows/1/call-next", None)).status_code == 401
    unknown = {"Authorization": "Bearer not-a-token"}
    assert (await twins.both("/v1/windows/1/call-next", None, headers=unknown)).status_code == 401
    basic = {"Authorization": "Basic eDp5"}
    assert (await twins.both("/v1/windows/1/call-next", None, headers=basic)).status_code == 401
    assert (await twins.both(f"/v1/tickets/{first}/finish")).status_code == 200
    # A kept key: the first answer again, then refused for another request (409).
    keyed = {"Idempotency-Key": "k-1"}
    again = [await twins.both("/v1/windows/1/call-next", headers=keyed) for _ in range(2)]
    assert again[0].content == again[1].content and again[0].status_code == 200
    second = again[0].json()["id"]
    assert (await twins.both(f"/v1/tickets/{second}/no-show", headers=keyed)).status_code == 409
    assert (await twins.both(f"/v1/tickets/0{second}/no-show")).status_code == 200
    hot_paths = list(served_hot)
    assert len(hot_paths) == 15 and all("/call-next" in p or "/tickets/" in p for p in hot_paths)
    # Not for the front: ids out of range, a key too long, a body, a device page's cookie.
    left = {
        f"/v1/windows/{2**31}/call-next": ({}, 422),
        "/v1/tickets/0/no-show": ({}, 422),
        f"/v1/tickets/{2**63}/no-show": ({}, 422),
        "/v1/windows/1/call-next": ({"Idempotency-Key": "k" * 201}, 422),
    }
    for path, (headers, status) in left.items():
        assert (await twins.both(path, headers=headers)).status_code == status
    big = b"x" * (1024 * 1024 + 1)
    assert (await twins.both("/v1/windows/1/call-next", content=big)).status_code == 413
    device = {"X-Counter-Device": "1", "Cookie": "counter_device=nope"}
    assert (await twins.both("/v1/windows/1/call-next", None, headers=device)).status_code == 401
    assert served_hot == hot_paths
    # Nothing waits for window 1 (queue B is another window's): 204, no body, no type.
    third = (await twins.both("/v1/windows/1/call-next")).json()["id"]
    await twins.both(f"/v1/tickets/{third}/no-show")
    nothing = await twins.both("/v1/windows/1/call-next")
    assert nothing.status_code == 204 and nothing.headers.raw == [] and nothing.content == b""

    # A failure inside the step: the app's 500, the same bytes, raised on to the server.
    def broken(*_a: Any) -> None:
        raise RuntimeError("a fault inside the step")

    monkeypatch.setattr(engine, "call_next", broken)
    crashed = await twins.both("/v1/windows/1/call-next")
    assert crashed.status_code == 500 and crashed.json()["error"]["code"] == "server_error"
    for app in twins.apps:
        transport = httpx.ASGITransport(app=app)  # raises what the app raised, as uvicorn sees
        token = twins.tokens["1001"][twins.apps.index(app)]
        async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as h:
            with pytest.raises(RuntimeError, match="a fault inside the step"):
                await h.post(
                    "/v1/windows/1/call-next", headers={"Authorization": f"Bearer {token}"}
                )
    # The source each request was made from, as the audit recorded it; then an expired token.
    audit = await twins.both("/v1/audit?limit=500", "2001", method="GET")
    assert "203.0.113.7" in audit.text and '"127.0.0.1"' in audit.text
    clock.advance(days=2)
    expired = await twins.both("/v1/windows/1/call-next")
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]
    assert len(served_hot) == len(hot_paths) + 6


async def test_the_front_stands_aside_for_a_middleware_it_does_not_know(
    central_app: Any, make_client: Any, served_hot: list[str]
) -> None:
    seen: list[str] = []

    class Watch:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            seen.append(scope.get("path", ""))
            await self.app(scope, receive, send)

    central_app.add_middleware(Watch)
    clerk = await make_client("1001")
    await clerk.sign_on(1)
    assert await clerk.call_next(1) is None  # nothing waits: 204, through the middleware
    assert served_hot == [] and "/v1/windows/1/call-next" in seen


async def test_the_front_stands_aside_when_fastapis_telemetry_is_on(
    central_app: Any, make_client: Any, served_hot: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(type(central_app._native_telemetry), "enabled", lambda _self: True)
    clerk = await make_client("1001")
    await clerk.sign_on(1)
    assert await clerk.call_next(1) is None  # through the full app, with its telemetry
    assert served_hot == []
