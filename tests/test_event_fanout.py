"""The hub writes each batch to every stream's connection itself (central.event_streams):
every listener gets every event of the hall in order, a listener that stops reading holds up
no other and is ended past its backlog, and it resumes with Last-Event-ID where it stopped.

The streams are real GET /v1/events requests on the ASGI app; a connection whose socket
buffer is full is one whose `send` does not return (as uvicorn's waits for the drain)."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import anyio.to_thread
import httpx
import pytest

from central import event_streams
from central.app import create_app
from central.context import Ctx
from central.event_hub import hub_of
from central.events import emit_many
from central.settings import Settings
from tests.waiting import until as _until

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
ID = re.compile(r"^id: (\d+)$", re.MULTILINE)
ID_LINE = re.compile(rb"^id: (\d+)$", re.MULTILINE)


class Connection:
    """One GET /v1/events on the app. `stalled`: its sends wait (a full socket) until read."""

    def __init__(self, app: Any, token: str, last_id: int | None = None) -> None:
        headers = [(b"authorization", f"Bearer {token}".encode())]
        if last_id is not None:
            headers.append((b"last-event-id", str(last_id).encode()))
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/v1/events",
            "raw_path": b"/v1/events",
            "root_path": "",
            "query_string": b"",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("central", 80),
        }
        self.app = app
        self.text = ""
        self.status = 0
        self.finished = False  # the response's last message came
        self.stalled = False
        self.reading = asyncio.Event()
        self.gone = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    @property
    def ids(self) -> list[int]:
        return [int(x) for x in ID.findall(self.text)]

    def open(self) -> Connection:
        self.task = asyncio.create_task(self.app(self.scope, self.receive, self.send))
        return self

    async def receive(self) -> dict[str, Any]:
        if not hasattr(self, "_asked"):
            self._asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            return
        while self.stalled:  # the client reads nothing: the send waits for room
            self.reading.clear()
            await self.reading.wait()
        self.text += message.get("body", b"").decode()
        self.finished = not message.get("more_body", False)

    def read_again(self) -> None:
        self.stalled = False
        self.reading.set()

    async def close(self) -> None:
        self.read_again()
        self.gone.set()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)


@pytest.fixture
async def central(tmp_path: Path) -> AsyncIterator[tuple[Any, str]]:
    settings = Settings(
        db_path=str(tmp_path / "c.db"),
        seed="demo",
        kdf_fast=True,
        clock=lambda: NOW,
        heartbeat_s=30.0,
        events_recheck_s=30.0,
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as http:
        r = await http.post("/v1/auth/login", json={"staff_no": "display01", "password": "counter"})
        yield app, r.json()["token"]
    app.state.store.dispose()


async def _write_events(app: Any, count: int, window_no: int = 1) -> None:
    """`count` events in one transaction, as a busy hall's writes would store them."""
    store = app.state.store
    ctx = Ctx(actor=None, now=NOW, hall=store.hall, source=None)
    batch = [("window.changed", {"window_no": window_no})] * count

    def write() -> None:
        with store.write() as conn:
            emit_many(conn, ctx, batch)

    await anyio.to_thread.run_sync(write)


async def test_a_stalled_listener_holds_up_no_other(central: tuple[Any, str]) -> None:
    app, token = central
    hub = hub_of(app.state.store)
    streams = [Connection(app, token).open() for _ in range(30)]
    await _until(lambda: all("retry:" in s.text for s in streams), "every stream open")
    stalled = streams[7]
    stalled.stalled = True
    for round_no in range(5):
        await _write_events(app, 20, window_no=round_no)
    # Everyone else has all 100, in id order, while one connection takes nothing.
    await _until(lambda: all(len(s.ids) == 100 for s in streams if s is not stalled), "all")
    first = streams[0].ids
    assert first == sorted(first) and len(set(first)) == 100
    assert all(s.ids == first for s in streams if s is not stalled)
    assert stalled.ids == [] and stalled.task is not None and not stalled.task.done()
    assert len(hub.listeners) == 30
    await asyncio.gather(*(s.close() for s in streams))
    await _until(lambda: not hub.listeners, "every stream to leave the hub")


async def test_past_its_backlog_a_listener_ends_and_resumes_where_it_stopped(
    central: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, token = central
    monkeypatch.setattr(event_streams, "BACKLOG", 5_000)
    hub = hub_of(app.state.store)
    reader, slow = Connection(app, token).open(), Connection(app, token).open()
    await _until(lambda: "retry:" in reader.text and "retry:" in slow.text, "both open")
    await _write_events(app, 10)
    await _until(lambda: len(slow.ids) == 10, "the slow one's first events")
    slow.stalled = True
    for _ in range(12):  # some 20 kB more than it takes: past its backlog
        await _write_events(app, 10)
    await _until(lambda: len(reader.ids) == 130, "the reader to get all 130")
    await _write_events(app, 5)
    await _until(lambda: len(reader.ids) == 135, "the reader to get all 135")
    # The hub ended the stalled stream; once its client reads again the response finishes.
    await _until(lambda: any(listener.ended for listener in hub.listeners), "the end")
    slow.read_again()
    await _until(lambda: slow.finished, "the stalled response to finish")
    assert slow.task is not None
    await asyncio.wait_for(slow.task, 5)
    got = slow.ids
    assert got == reader.ids[: len(got)] and len(got) < 135
    # It comes back with the last id it had and gets the rest, then live ones, in order.
    again = Connection(app, token, last_id=got[-1]).open()
    await _until(lambda: len(got) + len(again.ids) == 135, "what it missed")
    await _write_events(app, 5)
    await _until(lambda: len(reader.ids) == 140 and len(got) + len(again.ids) == 140, "live")
    assert got + again.ids == reader.ids
    assert reader.ids == sorted(reader.ids) and len(set(reader.ids)) == 140
    await asyncio.gather(reader.close(), again.close())
    await _until(lambda: not hub.listeners, "every stream to leave the hub")


async def test_a_stream_that_resumes_while_a_batch_goes_out_misses_nothing(
    central: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hub writes to the streams in slices, serving other requests in between: a stream
    that comes back (Last-Event-ID) in the middle of a pass gets that batch once, in order."""
    app, token = central
    monkeypatch.setattr("central.event_hub.SLICE", 3)
    hub = hub_of(app.state.store)
    early = [Connection(app, token).open() for _ in range(12)]
    await _until(lambda: all("retry:" in s.text for s in early), "the early streams")
    before = hub.cursor
    late: list[Connection] = []
    writing = asyncio.create_task(_write_events(app, 40))
    # Streams come back while the batch goes out, slice by slice.
    while not all(len(s.ids) == 40 for s in early):
        late.append(Connection(app, token, last_id=before).open())
        await asyncio.sleep(0)
    await writing
    await _write_events(app, 2)
    await _until(lambda: len(early[0].ids) == 42, "the last two")
    everything = early[0].ids
    assert everything == sorted(everything) and len(set(everything)) == 42
    await _until(lambda: all(len(s.ids) >= 42 for s in late), "the late ones")
    assert len(late) > 3 and all(s.ids == everything for s in late)
    await asyncio.gather(*(s.close() for s in early + late))


@contextmanager
def serving(app: Any) -> Iterator[int]:
    """uvicorn as `counter serve` runs it (httptools, uvloop) in a thread; its port. Its
    sockets' send buffers are small, so a client that stops reading fills one soon."""
    import uvicorn

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)  # accepted ones inherit
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app, log_level="critical", access_log=False, lifespan="off", http="httptools",
        loop="uvloop", timeout_graceful_shutdown=0.2,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline, "the central did not start"
        time.sleep(0.02)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = server.force_exit = True
        thread.join(10)


class Socket:
    """A raw HTTP/1.1 client of GET /v1/events over a real socket (the hall's terminals)."""

    def __init__(self, port: int, token: str, last_id: int | None = None) -> None:
        self.port, self.token, self.last_id = port, token, last_id
        self.data = b""
        self.ids: list[int] = []  # the ids of the whole lines read so far
        self.reading = asyncio.Event()
        self.reading.set()
        self.task: asyncio.Task[None] | None = None

    @property
    def finished(self) -> bool:
        return self.data.endswith(b"\r\n0\r\n\r\n")  # the chunked body's end

    async def open(self, receive_buffer: int | None = None) -> Socket:
        sock = socket.socket()
        if receive_buffer is not None:  # set before connecting: the window stays this small
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", self.port))
        limit = 1 << 16 if receive_buffer is None else 1024
        reader, writer = await asyncio.open_connection(sock=sock, limit=limit)
        resume = f"Last-Event-ID: {self.last_id}\r\n" if self.last_id is not None else ""
        writer.write(
            f"GET /v1/events HTTP/1.1\r\nHost: central\r\nAuthorization: Bearer {self.token}"
            f"\r\n{resume}\r\n".encode()
        )

        async def read() -> None:
            try:
                while not self.finished:
                    await self.reading.wait()
                    chunk = await reader.read(1 << 16)
                    if not chunk:
                        return
                    parsed = self.data.rfind(b"\n") + 1
                    self.data += chunk
                    whole = self.data[parsed : self.data.rfind(b"\n") + 1]
                    self.ids += [int(x) for x in ID_LINE.findall(whole)]
            finally:
                writer.close()

        self.task = asyncio.create_task(read())
        await _until(lambda: b"retry:" in self.data, "the stream to open")
        return self

    async def close(self) -> None:
        assert self.task is not None
        self.task.cancel()
        await asyncio.wait([self.task])


async def test_over_real_sockets_a_reader_that_stops_is_ended_and_the_rest_read_on(
    central: tuple[Any, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn serving the app: one terminal stops reading (its socket fills, the server's
    send for it waits), the others get all 3,000 events in order at once; the stopped one is
    ended past its backlog and, reading again, resumes with Last-Event-ID."""
    app, token = central
    monkeypatch.setattr(event_streams, "BACKLOG", 256 * 1024)  # ~1,500 events
    with serving(app) as port:
        readers = [await Socket(port, token).open() for _ in range(8)]
        stopped = await Socket(port, token).open(receive_buffer=4096)
        stopped.reading.clear()
        for written in range(100, 3001, 100):  # the readers keep up; the stopped one cannot
            await _write_events(app, 100)
            await _until(lambda n=written: all(len(r.ids) == n for r in readers), "readers")
        everything = readers[0].ids
        assert everything == sorted(everything) and len(set(everything)) == 3000
        assert all(r.ids == everything for r in readers)
        assert len(stopped.ids) < 3000
        stopped.reading.set()  # it reads again: what the socket held, then the end
        await _until(lambda: stopped.finished, "the stopped stream's end")
        got = stopped.ids
        assert got == everything[: len(got)]
        again = await Socket(port, token, last_id=got[-1] if got else None).open()
        await _until(lambda: len(got) + len(again.ids) == 3000, "what it missed")
        assert got + again.ids == everything
        for stream in [*readers, stopped, again]:
            await stream.close()
