"""The central's limits (issue 10): login attempts under concurrency and per source, the body
limit and the token before the body, forwarded headers only from the hall's proxies, and rating
pads bound to their windows. Every request goes through the whole app (its middleware too)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from central.app import create_app
from central.schema import audit, login_failures
from central.settings import Settings
from client import errors
from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.rating_models import RatingRequest
from tests.conftest import FakeClock


def make_app(tmp_path: Path, clock: FakeClock, **settings: Any) -> Any:
    return create_app(
        Settings(
            db_path=str(tmp_path / "c.db"), seed="demo", kdf_fast=True, clock=clock, **settings
        )
    )


@contextlib.asynccontextmanager
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # the peer is 127.0.0.1
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as client:
        yield client
    app.state.store.dispose()


async def login(
    api: httpx.AsyncClient, staff_no: str, password: str, source: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": source} if source else {}
    body = {"staff_no": staff_no, "password": password}
    return await api.post("/v1/auth/login", json=body, headers=headers)


def count(app: Any, query: Any) -> int:
    with app.state.store.read() as conn:
        return int(conn.execute(query).scalar_one())


def audited(app: Any, action: str) -> list[Any]:
    with app.state.store.read() as conn:
        return list(conn.execute(select(audit).where(audit.c.action == action)).all())


# --- 1. the limit holds under concurrency ---------------------------------------------------


async def test_no_more_than_the_limit_is_checked_under_concurrency(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = make_app(tmp_path, clock)
    async with http(app) as api:
        answers = await asyncio.gather(*(login(api, "1004", "wrong") for _ in range(150)))
        statuses = [a.status_code for a in answers]
        assert statuses.count(401) == 5, statuses  # checked against the password: 5, never more
        assert statuses.count(429) == 145
        assert count(app, select(func.count()).select_from(login_failures)) == 5
        assert all(
            a.headers.get("Retry-After", "").isdigit() for a in answers if a.status_code == 429
        )


# --- 2. per staff number and source; slowed, never locked; audited ------------------------------


async def test_one_source_guessing_never_locks_out_another(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = make_app(tmp_path, clock, trusted_proxies=["127.0.0.1"])
    async with http(app) as api:
        for _ in range(5):
            assert (await login(api, "1004", "wrong", "10.0.0.66")).status_code == 401
        held = await login(api, "1004", "counter", "10.0.0.66")  # even the right one, from there
        assert held.status_code == 429
        assert held.json()["error"]["reason"] == "too_many_wrong_passwords_here"
        assert 0 < int(held.headers["Retry-After"]) <= 300
        # The clerk at their own terminal is not locked out by someone else's guessing.
        assert (await login(api, "1004", "counter", "10.0.0.4")).status_code == 200
        locked = audited(app, "auth.locked")
        assert [(r.object_id, r.source) for r in locked] == [("1004", "10.0.0.66")]

        # Trying on does not renew the wait: refused attempts are not failures.
        for _ in range(3):
            clock.advance(seconds=100)
            await login(api, "1004", "wrong", "10.0.0.66")
        clock.advance(seconds=1)
        assert (await login(api, "1004", "counter", "10.0.0.66")).status_code == 200


async def test_guessing_from_many_sources_is_slowed_not_locked(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = make_app(
        tmp_path, clock, trusted_proxies=["127.0.0.1"], login_staff_max_failures=6, login_slow_s=10
    )
    async with http(app) as api:
        for n in range(6):  # two sources' worth of the per-source limit, spread over six
            assert (await login(api, "1004", "wrong", f"10.0.1.{n}")).status_code == 401
        slowed = await login(api, "1004", "counter", "10.0.0.4")
        assert slowed.status_code == 429 and slowed.json()["error"]["reason"] == "login_slowed_wait"
        assert slowed.headers["Retry-After"] == "10"
        assert [r.object_id for r in audited(app, "auth.slowed")] == ["1004"]
        clock.advance(seconds=10)  # one attempt per 10 s from anywhere: the right one gets in
        assert (await login(api, "1004", "counter", "10.0.0.4")).status_code == 200
        assert count(app, select(func.count()).select_from(login_failures)) == 0


# --- 3. the body limit, and the token before the body --------------------------------------


async def call(app: Any, method: str, path: str, headers: dict[str, str], chunks: int) -> Any:
    """Call the app as a server would, with a body of `chunks` × 64 KiB; answers (status,
    headers, body, how many body bytes the app pulled)."""
    pulled = 0
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks * 65536:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += 65536
        return {"type": "http.request", "body": b"x" * 65536, "more_body": pulled < chunks * 65536}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("central", 80),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }  # fmt: skip
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return (
        start["status"],
        dict((k.decode(), v.decode()) for k, v in start["headers"]),
        body,
        pulled,
    )


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, clock: FakeClock
) -> None:
    app = make_app(tmp_path, clock)
    big = {"Content-Type": "application/json", "Content-Length": str(150 * 1024 * 1024)}
    status, _, body, pulled = await call(app, "POST", "/v1/auth/login", big, chunks=2400)
    assert status == 413 and b"body_too_large" in body and pulled == 0
    # Streamed without a length: cut off as soon as the limit is passed, not read whole.
    streamed = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    status, _, body, pulled = await call(app, "POST", "/v1/auth/login", streamed, chunks=2400)
    assert status == 413 and pulled <= 1024 * 1024 + 65536
    app.state.store.dispose()


async def test_the_token_is_checked_before_a_body_is_read(tmp_path: Path, clock: FakeClock) -> None:
    app = make_app(tmp_path, clock)
    for headers in (
        {},  # no token at all
        {"Authorization": "Bearer not-a-session"},
    ):
        length = {"Content-Type": "application/json", "Content-Length": "524288", **headers}
        status, answer_headers, body, pulled = await call(app, "POST", "/v1/tickets", length, 8)
        assert (status, pulled) == (401, 0), body
        assert answer_headers["www-authenticate"] == "Bearer"
    app.state.store.dispose()


# --- 4. forwarded headers only from the hall's proxies --------------------------------------


@pytest.mark.parametrize(
    ("trusted", "forwarded", "source"),
    [
        ([], "203.0.113.9", "127.0.0.1"),  # no proxy configured: the header is ignored
        (["10.9.9.9"], "203.0.113.9", "127.0.0.1"),  # the peer is not the hall's proxy
        (["127.0.0.1"], "203.0.113.9", "203.0.113.9"),
        (["127.0.0.0/8", "10.0.0.0/8"], "198.51.100.7, 10.1.2.3", "198.51.100.7"),
        (["127.0.0.1"], "forged, 203.0.113.9", "203.0.113.9"),  # only the nearest counts
        (["127.0.0.1"], "not-an-address", "127.0.0.1"),
    ],
)
async def test_the_audit_source_is_forwarded_only_by_a_trusted_proxy(
    tmp_path: Path, clock: FakeClock, trusted: list[str], forwarded: str, source: str
) -> None:
    app = make_app(tmp_path, clock, trusted_proxies=trusted)
    async with http(app) as api:
        assert (await login(api, "1001", "counter", forwarded)).status_code == 200
        assert [r.source for r in audited(app, "auth.login")] == [source]


# --- 11. a rating pad rates its own window's services ---------------------------------------


async def test_a_pad_rates_only_its_own_windows_services(tmp_path: Path, clock: FakeClock) -> None:
    # The demo hall binds each pad to its own window: pad01 rates window 1's services alone.
    app = create_app(
        Settings(db_path=str(tmp_path / "c.db"), seed="demo", kdf_fast=True, clock=clock)
    )
    clients: list[CentralClient] = []

    async def client(staff_no: str) -> CentralClient:
        made = CentralClient("http://central.test", transport=StreamingASGITransport(app))
        clients.append(made)
        await made.login(staff_no, "counter")
        return made

    kiosk, pad = await client("kiosk01"), await client("pad01")
    served = {}
    for staff_no, window in (("1001", 1), ("1005", 5)):
        desk = await client(staff_no)
        await desk.sign_on(window)
        await kiosk.issue_ticket("A")
        ticket = await desk.call_next(window)
        assert ticket is not None
        await desk.start(ticket.id)
        served[window] = (await desk.finish(ticket.id)).id

    with pytest.raises(errors.Forbidden) as other:
        await pad.post_rating(RatingRequest(ticket_id=served[5], level=1))
    assert "window 1; ticket A002 was served at window 5" in other.value.message
    with pytest.raises(errors.Forbidden):  # nor does it speak for another channel
        await pad.post_rating(RatingRequest(ticket_id=served[1], level=5, channel="hotline"))
    assert (await pad.post_rating(RatingRequest(ticket_id=served[1], level=5))).level == 5
    for made in clients:
        await made.aclose()
    app.state.store.dispose()
