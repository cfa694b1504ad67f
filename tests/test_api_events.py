"""Live events: the stored events, the polling fallback, and the SSE stream (read straight from
the ASGI app, since httpx's ASGITransport waits for a response to end)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sqlalchemy import create_engine, text

from central.app import create_app
from central.context import Ctx
from central.event_hub import event_stream
from central.events import emit, store_pending
from central.settings import Settings


class Hall:
    def __init__(self, app: Any, http: httpx.AsyncClient) -> None:
        self.app, self.http = app, http
        self.tokens: dict[str, str] = {}

    async def h(self, staff_no: str) -> dict[str, str]:
        if staff_no not in self.tokens:
            r = await self.http.post(
                "/v1/auth/login", json={"staff_no": staff_no, "password": "counter"}
            )
            self.tokens[staff_no] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[staff_no]}"}

    async def post(self, path: str, who: str, **kw: Any) -> httpx.Response:
        r = await self.http.post(path, headers=await self.h(who), **kw)
        assert r.status_code < 300, r.text
        return r

    async def poll(self, who: str = "display01", **params: Any) -> dict[str, Any]:
        r = await self.http.get("/v1/events/poll", headers=await self.h(who), params=params)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]


pytestmark = pytest.mark.backends("sqlite", "postgresql")


WAITING_FOR_A_LOCK = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"


async def _until(condition: Any, what: str) -> None:
    """Wait (up to ~15 s) for the condition: never a sleep that only hopes it came true."""
    for _ in range(750):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
async def hall(tmp_path: Path, db_url: str | None) -> AsyncIterator[Hall]:
    settings = Settings(
        db_path=str(tmp_path / "c.db"),
        db_url=db_url,
        seed="demo",
        kdf_fast=True,
        clock=lambda: datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc),
        heartbeat_s=30.0,
        events_recheck_s=30.0,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as http:
        yield Hall(app, http)
    app.state.store.dispose()


async def _issue_and_call(hall: Hall) -> dict[str, Any]:
    ticket = (await hall.post("/v1/tickets", "kiosk01", json={"queue": "A"})).json()
    await hall.post("/v1/windows/1/sign-on", "1001")
    await hall.post("/v1/windows/1/call-next", "1001")
    return ticket  # type: ignore[no-any-return]


# --- polling ----------


async def test_poll_without_after_gives_the_cursor_only(hall: Hall) -> None:
    await _issue_and_call(hall)
    page = await hall.poll()
    assert page["events"] == [] and page["last_id"] == 5


async def test_poll_returns_the_stored_events_in_order(hall: Hall) -> None:
    ticket = await _issue_and_call(hall)
    page = await hall.poll(after=0)
    kinds = [(e["type"], e["queue"], e["window_no"], e["ticket_id"]) for e in page["events"]]
    assert kinds == [
        ("queue.changed", "A", None, None),  # issued
        ("window.changed", None, 1, None),  # signed on
        ("ticket.called", "A", 1, ticket["id"]),
        ("queue.changed", "A", None, None),
        ("window.changed", None, 1, None),
    ]
    assert all(e["hall"] == "demo" for e in page["events"])
    assert page["last_id"] == page["events"][-1]["id"]
    later = await hall.poll(after=3, limit=1)
    assert [e["id"] for e in later["events"]] == [4] and later["last_id"] == 4
    # A cursor past every id this database has (it is new or restored): start over from its end.
    assert await hall.poll(after=99) == {"events": [], "last_id": 5}


async def test_recall_no_show_and_pause_emit_their_events(hall: Hall) -> None:
    ticket = await _issue_and_call(hall)
    cursor = (await hall.poll())["last_id"]
    await hall.post(f"/v1/tickets/{ticket['id']}/recall", "1001")
    await hall.post(f"/v1/tickets/{ticket['id']}/no-show", "1001")
    await hall.post("/v1/windows/1/pause", "1001", json={"reason": "training"})
    types = [e["type"] for e in (await hall.poll(after=cursor))["events"]]
    assert types == ["ticket.called", "queue.changed", "window.changed", "window.changed"]


async def test_refused_requests_emit_nothing(hall: Hall) -> None:
    cursor = (await hall.poll())["last_id"]
    r = await hall.http.post("/v1/windows/1/call-next", headers=await hall.h("1001"))
    assert r.status_code == 409
    assert (await hall.poll(after=cursor))["events"] == []


async def test_poll_needs_a_token_and_sane_numbers(hall: Hall) -> None:
    assert (await hall.http.get("/v1/events/poll")).status_code == 401
    headers = await hall.h("display01")
    r = await hall.http.get("/v1/events/poll", params={"after": -1}, headers=headers)
    assert r.status_code == 422
    r = await hall.http.get("/v1/events/poll", params={"after": 10**40}, headers=headers)
    assert r.status_code == 422


# --- the SSE generator ----------


async def test_stream_replays_then_wakes_on_a_new_event(hall: Hall) -> None:
    await _issue_and_call(hall)
    store = hall.app.state.store
    stream = event_stream(store, last_id=3)
    try:
        assert await anext(stream) == b"retry: 3000\n\n"
        replay = [f + "\n\n" for f in (await anext(stream)).decode().split("\n\n") if f]
        assert replay[0].startswith("id: 4\nevent: queue.changed\ndata: {")
        assert replay[1].startswith("id: 5\nevent: window.changed\n")
        assert replay[1].endswith("}\n\n") and len(replay) == 2
        # Nothing more stored: the stream waits (what it yields next is the ticket issued
        # only now, id 6). The write wakes it long before the 30 s database re-check.
        waiting = asyncio.ensure_future(anext(stream))
        await hall.post("/v1/tickets", "kiosk01", json={"queue": "B"})
        chunk = (await asyncio.wait_for(waiting, 10)).decode()
        assert chunk.startswith("id: 6\nevent: queue.changed\n") and '"queue":"B"' in chunk
    finally:
        await stream.aclose()


async def test_stream_past_every_stored_id_starts_over_from_now(hall: Hall) -> None:
    """A Last-Event-ID this database never had (the central came back on a new or restored
    one): the stream follows from now rather than waiting for ids past the old ones."""
    await _issue_and_call(hall)
    stream = event_stream(hall.app.state.store, last_id=99)
    try:
        assert await anext(stream) == b"retry: 3000\n\n"
        waiting = asyncio.ensure_future(anext(stream))
        await hall.post("/v1/tickets", "kiosk01", json={"queue": "B"})
        chunk = (await asyncio.wait_for(waiting, 10)).decode()
        assert chunk.startswith("id: 6\nevent: queue.changed\n") and '"queue":"B"' in chunk
    finally:
        await stream.aclose()


async def test_stream_without_last_id_starts_from_now_and_pings(hall: Hall) -> None:
    await _issue_and_call(hall)
    store = hall.app.state.store
    store.settings.heartbeat_s = 0.05
    stream = event_stream(store, last_id=None)
    try:
        assert await anext(stream) == b"retry: 3000\n\n"
        assert await asyncio.wait_for(anext(stream), 5) == b": ping\n\n"
    finally:
        await stream.aclose()


async def test_stream_hears_events_written_by_another_process(hall: Hall, backend: str) -> None:
    """Another server process on the same database: on PostgreSQL its commit wakes this one at
    once (LISTEN/NOTIFY; the 30 s re-check never comes into play); SQLite re-checks."""
    store = hall.app.state.store
    if backend == "sqlite":
        store.settings.events_recheck_s = 0.05
    woken = store.notifier.version
    stream = event_stream(store, last_id=None)
    try:
        await anext(stream)
        waiting = asyncio.ensure_future(anext(stream))
        if backend != "sqlite":
            # The LISTEN is up: right after it, the listener wakes the reader once.
            await _until(lambda: store.notifier.version > woken, "the LISTEN")

        def other_process_writes() -> None:
            # Another server process: its own engine, no access to this notifier.
            engine = create_engine(store.engine.url)
            with engine.begin() as conn:
                ctx = Ctx(actor=None, now=datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc),
                          hall="demo", source=None)  # fmt: skip
                emit(conn, ctx, "window.changed", window_no=7)
            engine.dispose()

        await anyio.to_thread.run_sync(other_process_writes)
        # Well inside the 30 s re-check: on PostgreSQL only the NOTIFY can have woken it.
        chunk = (await asyncio.wait_for(waiting, 10)).decode()
        assert chunk.startswith("id: 1\nevent: window.changed\n") and '"window_no":7' in chunk
    finally:
        await stream.aclose()


# --- the SSE endpoint, straight from the ASGI app ----------


async def _open_stream(
    app: Any, headers: dict[str, str], until: str
) -> tuple[int, dict[str, str], str]:
    """GET /v1/events on the ASGI app; read until `until` shows up, then disconnect."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/events",
        "raw_path": b"/v1/events",
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("central", 80),
    }
    gone = asyncio.Event()
    requested = False
    sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        await sent.put(message)

    task = asyncio.create_task(app(scope, receive, send))
    start = await asyncio.wait_for(sent.get(), 5)
    status = start["status"]
    response_headers = {k.decode(): v.decode() for k, v in start.get("headers", [])}
    body = ""
    while until not in body:
        message = await asyncio.wait_for(sent.get(), 5)
        body += message.get("body", b"").decode()
        if not message.get("more_body", False):
            break
    gone.set()
    await asyncio.wait_for(task, 5)
    return status, response_headers, body


async def test_sse_endpoint_resumes_after_last_event_id(hall: Hall) -> None:
    await _issue_and_call(hall)
    headers = await hall.h("display01")
    status, response_headers, body = await _open_stream(
        hall.app, {**headers, "Last-Event-ID": "2"}, until="id: 5\n"
    )
    assert status == 200
    assert response_headers["content-type"].startswith("text/event-stream")
    assert response_headers["cache-control"] == "no-cache"
    frames = [f for f in body.split("\n\n") if f.startswith("id: ")]
    assert [f.split("\n")[0] for f in frames] == ["id: 3", "id: 4", "id: 5"]
    assert frames[0].split("\n")[1] == "event: ticket.called"


async def test_sse_endpoint_needs_a_token(hall: Hall) -> None:
    status, _, body = await _open_stream(hall.app, {}, until="error")
    assert status == 401 and '"code":"unauthorized"' in body


async def test_no_event_is_lost_when_an_earlier_writer_commits_last(hall: Hall) -> None:
    """One writer takes an event id and holds its transaction open while another writes: the
    stream must get both, in id order (with sequence ids, 41 could otherwise commit after 42
    and a stream already at 42 would never see 41)."""
    store = hall.app.state.store
    stream = event_stream(store, last_id=None)
    now = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    ctx = Ctx(actor=None, now=now, hall="demo", source=None)
    holding, release, quick_started = threading.Event(), threading.Event(), threading.Event()

    def slow_writer() -> None:
        with store.write() as conn:
            emit(conn, ctx, "window.changed", window_no=41)
            store_pending(conn)  # its id now (PostgreSQL otherwise takes it just before commit)
            holding.set()
            release.wait(10)

    def quick_writer() -> None:
        quick_started.set()
        with store.write() as conn:
            emit(conn, ctx, "window.changed", window_no=42)

    def quick_waits() -> bool:
        """The second writer is held up by the first (PostgreSQL shows it among the locks;
        SQLite's wait for the write lock cannot be seen from outside)."""
        if not quick_started.is_set() or store.engine.dialect.name == "sqlite":
            return quick_started.is_set()
        with store.read() as conn:
            return bool(conn.execute(text(WAITING_FOR_A_LOCK)).scalar())

    try:
        await anext(stream)
        slow = threading.Thread(target=slow_writer)
        slow.start()
        await anyio.to_thread.run_sync(holding.wait)
        quick = asyncio.ensure_future(anyio.to_thread.run_sync(quick_writer))
        await _until(quick_waits, "the second writer to wait for the first")
        release.set()
        await asyncio.wait_for(quick, 10)
        await anyio.to_thread.run_sync(slow.join)
        body = ""
        while body.count("id: ") < 2:
            body += (await asyncio.wait_for(anext(stream), 5)).decode()
        frames = [f for f in body.split("\n\n") if f.startswith("id: ")]
        windows = [json.loads(f.split("data: ", 1)[1])["window_no"] for f in frames]
        ids = [int(f.split("\n")[0][4:]) for f in frames]
        assert windows == [41, 42] and ids == sorted(ids)
    finally:
        release.set()
        await stream.aclose()
