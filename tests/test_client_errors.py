"""Each kind of failure reaches the terminal as its own error class with one plain sentence.

The faults are injected below the client (a transport that fails the way a network or a broken
server does); the happy paths run against the real central API elsewhere.
"""

from __future__ import annotations

import json

import httpx
import pytest

from client import errors
from client.api import CentralClient


def _client(handler: httpx.MockTransport) -> CentralClient:
    return CentralClient("http://central.test", transport=handler)


def _error(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> bytes:
    return json.dumps(
        {"error": {"code": code, "message": message, "fields": fields or {}}}
    ).encode()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (401, errors.AuthExpired),
        (403, errors.Forbidden),
        (404, errors.NotFound),
        (409, errors.Conflict),
        (422, errors.Invalid),
        (429, errors.RateLimited),
    ],
)
async def test_status_maps_to_its_error_class(status: int, cls: type[errors.CentralError]) -> None:
    body = _error(status, "x", "Ticket A012 is done; it cannot be recalled.", {"queue": "unknown"})
    client = _client(httpx.MockTransport(lambda r: httpx.Response(status, content=body)))
    with pytest.raises(cls) as caught:
        await client.ticket(1)
    assert caught.value.message == "Ticket A012 is done; it cannot be recalled."
    assert caught.value.status == status
    if cls is errors.Invalid:
        assert isinstance(caught.value, errors.Invalid)
        assert caught.value.fields == {"queue": "unknown"}
    await client.aclose()


async def test_error_without_body_still_gets_a_sentence() -> None:
    client = _client(httpx.MockTransport(lambda r: httpx.Response(401, text="nope")))
    with pytest.raises(errors.AuthExpired, match="log in again"):
        await client.me()
    await client.aclose()


async def test_server_error_is_retried_with_the_same_idempotency_key() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Idempotency-Key"])
        if len(seen) < 3:
            return httpx.Response(500, text="Internal Server Error")
        return httpx.Response(204)

    client = _client(httpx.MockTransport(handler))
    assert await client.call_next(5) is None
    assert len(seen) == 3 and len(set(seen)) == 1
    await client.aclose()


async def test_persistent_server_error_raises_server_error() -> None:
    client = _client(httpx.MockTransport(lambda r: httpx.Response(503, text="down")))
    with pytest.raises(errors.ServerError, match="HTTP 503"):
        await client.hall()
    await client.aclose()


async def test_unreachable_and_timeout_are_distinct() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    refused = _client(httpx.MockTransport(refuse))
    with pytest.raises(errors.Unreachable, match="Cannot reach"):
        await refused.queues()
    timed_out = _client(httpx.MockTransport(slow))
    with pytest.raises(errors.Timeout, match="did not answer in time"):
        await timed_out.queues()
    await refused.aclose()
    await timed_out.aclose()


async def test_answer_off_contract_is_a_server_error() -> None:
    client = _client(httpx.MockTransport(lambda r: httpx.Response(200, json={"unexpected": 1})))
    with pytest.raises(errors.ServerError, match="does not understand"):
        await client.ticket(3)
    await client.aclose()


async def test_bearer_token_sent_after_login() -> None:
    tokens: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        tokens.append(request.headers.get("Authorization"))
        if request.url.path == "/v1/auth/login":
            return httpx.Response(
                200,
                json={
                    "token": "tok",
                    "expires_at": "2026-11-17T12:00:00Z",
                    "staff": {"staff_no": "1001", "name": "x", "role": "clerk"},
                },
            )
        return httpx.Response(200, json={"staff_no": "1001", "name": "x", "role": "clerk"})

    client = _client(httpx.MockTransport(handler))
    await client.login("1001", "counter")
    await client.me()
    assert tokens == [None, "Bearer tok"]
    await client.aclose()
