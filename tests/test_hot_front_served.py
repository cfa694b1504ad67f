"""The hot front over real HTTP: two `counter serve` processes on copies of one database, one
with the front and one without (`hot_front = false`), answer the same requests alike — status,
headers (but the date) and bytes (but the instant the queue figures were read): a replayed
call-next and start, 204, and every refusal, down to a 500 raised inside a step (after which
uvicorn closes the connection, on both)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from central.auth import token_hash
from tests.central_process import free_port, start_serve, stop


def _now(answer: httpx.Response) -> bytes:
    """The answer's bytes with the moment its queue figures were read ("as_of") left out:
    each server reads them at its own instant."""
    return re.sub(rb'"as_of":"[^"]*"', b'"as_of":"-"', answer.content)


def _serve(db: Path, tmp_path: Path, hot: bool) -> tuple[str, object]:
    config = tmp_path / f"central-{hot}.toml"
    config.write_text(f"kdf_fast = true\nhot_front = {str(hot).lower()}\n", encoding="utf-8")
    port = free_port()
    process = start_serve(port, "--db", str(db), "--seed", "demo", "--config", str(config))
    return f"http://127.0.0.1:{port}", process


def _post(url: str, path: str, token: str | None = None, **kw: object) -> httpx.Response:
    headers: dict[str, str] = dict(kw.pop("headers", {}))  # type: ignore[call-overload]
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(f"{url}{path}", headers=headers, timeout=30, **kw)  # type: ignore[arg-type]


@pytest.fixture
def prepared(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], dict[str, int]]]:
    """A hall where window 1 serves a ticket (called and started under kept keys), window 2
    waits with nothing to call, a cancelled ticket's row is garbled and one session expired."""
    db = tmp_path / "hot.db"
    url, process = _serve(db, tmp_path, hot=True)
    try:
        tokens = {}
        for name, staff_no in (("clerk", "1001"), ("old", "1001"), ("clerk2", "1002"),
                               ("kiosk", "kiosk01"), ("supervisor", "2001")):  # fmt: skip
            body = {"staff_no": staff_no, "password": "counter"}
            tokens[name] = httpx.post(f"{url}/v1/auth/login", json=body).json()["token"]
        first = _post(url, "/v1/tickets", tokens["kiosk"], json={"queue": "A"}).json()["id"]
        garbled = _post(url, "/v1/tickets", tokens["kiosk"], json={"queue": "B"}).json()["id"]
        assert _post(url, f"/v1/tickets/{garbled}/cancel", tokens["supervisor"]).is_success
        for who, no in (("clerk", 1), ("clerk2", 2)):
            assert _post(url, f"/v1/windows/{no}/sign-on", tokens[who]).is_success
        keyed = {"Idempotency-Key": "k-call"}
        called = _post(url, "/v1/windows/1/call-next", tokens["clerk"], headers=keyed)
        assert called.json()["id"] == first
        keyed = {"Idempotency-Key": "k-start"}
        assert _post(url, f"/v1/tickets/{first}/start", tokens["clerk"], headers=keyed).is_success
    finally:
        stop(process)  # type: ignore[arg-type]
    with sqlite3.connect(db) as conn:
        conn.execute("update sessions set expires_at = created_at where token_hash = ?",
                     (token_hash(tokens["old"]),))  # fmt: skip
        conn.execute("update tickets set issued_at = 'not a time' where id = ?", (garbled,))
    conn.close()
    yield db, tokens, {"first": first, "garbled": garbled}


def test_a_served_front_answers_as_the_full_app(
    prepared: tuple[Path, dict[str, str], dict[str, int]], tmp_path: Path
) -> None:
    db, tokens, ids = prepared
    copy = tmp_path / "full.db"
    with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    hot, hot_process = _serve(db, tmp_path, hot=True)
    try:
        full, full_process = _serve(copy, tmp_path, hot=False)
    except BaseException:
        stop(hot_process)  # type: ignore[arg-type]
        raise
    first, garbled = ids["first"], ids["garbled"]
    asks: list[tuple[str, str | None, dict[str, object], int]] = [
        ("/v1/windows/1/call-next", "clerk", {"headers": {"Idempotency-Key": "k-call"}}, 200),
        (f"/v1/tickets/{first}/start", "clerk", {"headers": {"Idempotency-Key": "k-start"}}, 200),
        (f"/v1/tickets/{first}/finish", "clerk", {"headers": {"Idempotency-Key": "k-call"}}, 409),
        (f"/v1/tickets/{first}/recall", "clerk", {}, 409),
        ("/v1/windows/1/call-next", "clerk", {}, 409),
        ("/v1/tickets/999999/start", "clerk", {}, 404),
        ("/v1/windows/1/call-next", "kiosk", {}, 403),
        ("/v1/windows/1/call-next", None, {}, 401),
        ("/v1/windows/1/call-next", None, {"headers": {"Authorization": "Bearer nope"}}, 401),
        ("/v1/windows/1/call-next", "old", {}, 401),
        ("/v1/windows/1/call-next", "clerk", {"content": b"x" * (1024 * 1024 + 1)}, 413),
        ("/v1/windows/1/call-next", "clerk", {"headers": {"Idempotency-Key": "k" * 201}}, 422),
        (f"/v1/windows/{2**31}/call-next", "clerk", {}, 422),
        ("/v1/windows/2/call-next", "clerk2", {}, 204),
        (f"/v1/tickets/{garbled}/reactivate", "supervisor", {}, 500),
    ]
    try:
        for path, who, kw, status in asks:
            token = tokens[who] if who else None
            answers = [_post(url, path, token, **kw) for url in (hot, full)]
            seen = [
                (a.status_code, [h for h in a.headers.raw if h[0].lower() != b"date"], _now(a))
                for a in answers
            ]
            assert seen[0] == seen[1], path
            assert seen[0][0] == status, (path, seen[0])
    finally:
        stop(hot_process)  # type: ignore[arg-type]
        stop(full_process)  # type: ignore[arg-type]
