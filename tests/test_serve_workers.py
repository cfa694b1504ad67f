"""`counter serve --workers 2` on one SQLite file: two real worker processes on one port behave as
one central — contended call-nexts through both call every ticket exactly once, and an event
written through one worker reaches a stream held by the other within 1 s (central.shared_sqlite:
no LISTEN/NOTIFY on SQLite)."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bulk_tickets import issue_waiting
from tests.central_process import free_port, start_serve, stop

CLERKS = ("1001", "1002", "1003", "1004", "1005")  # windows 1–5 all serve queue A


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[int, list[int], Path]]:
    db = tmp_path / "central.db"
    port = free_port()
    proc = start_serve(
        port, "--db", str(db), "--seed", "demo", "--workers", "2",
        env={"COUNTER_KDF_FAST": "1"}, wait_s=120,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(workers := _children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2, workers
        yield port, workers, db
    finally:
        assert stop(proc) < 8  # the supervisor and its workers end on SIGTERM


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(p) for p in found if "spawn" in Path(f"/proc/{p}/cmdline").read_text()]


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def worker_of(conn: http.client.HTTPConnection, workers: list[int]) -> int:
    """Which worker process holds the server side of this client connection."""
    assert conn.sock is not None
    client_port, server_port = conn.sock.getsockname()[1], conn.sock.getpeername()[1]
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()  # the server's side: local = the port served, remote = the client
        local, remote = (int(f.split(":")[1], 16) for f in fields[1:3])
        if (local, remote) == (server_port, client_port) and fields[9] != "0":
            inode = fields[9]
    assert inode is not None
    return next(pid for pid in workers if inode in _socket_inodes(pid))


class Desk:
    """A clerk (or the kiosk) on one keep-alive connection."""

    def __init__(self, port: int, staff_no: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = ""
        status, answer = self.post("/v1/auth/login", {"staff_no": staff_no, "password": "counter"})
        assert status == 200, answer
        self.token = answer["token"]

    def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        data = b""
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request("POST", path, body=data or None, headers=headers)
        response = self.conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None


def desks_on_both(port: int, workers: list[int], staff: tuple[str, ...]) -> list[Desk]:
    """Clerks' connections, reconnected until both workers hold some of them."""
    for _try in range(20):
        desks = [Desk(port, s) for s in staff]
        if len({worker_of(d.conn, workers) for d in desks}) == 2:
            return desks
        for d in desks:
            d.conn.close()
    pytest.fail("every connection landed on one worker")


def test_two_workers_call_every_ticket_once(two_workers: tuple[int, list[int], Path]) -> None:
    port, workers, db = two_workers
    issued = issue_waiting(f"sqlite:///{db}", 150, queues=("A",))
    desks = desks_on_both(port, workers, CLERKS)
    called: list[int] = []
    told_empty: list[int] = []

    def work(no: int, desk: Desk) -> None:
        assert desk.post(f"/v1/windows/{no}/sign-on")[0] == 200
        while True:
            status, answer = desk.post(f"/v1/windows/{no}/call-next")
            if status == 204:
                told_empty.append(no)
                return
            assert status == 200, answer
            called.append(answer["id"])
            assert desk.post(f"/v1/tickets/{answer['id']}/no-show")[0] == 200

    threads = [threading.Thread(target=work, args=(n, d)) for n, d in enumerate(desks, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert [n for n, c in Counter(called).items() if c > 1] == []  # none called twice
    assert sorted(called) == sorted(issued)  # none lost
    assert sorted(told_empty) == [1, 2, 3, 4, 5]


def test_an_event_from_one_worker_reaches_a_stream_on_the_other(
    two_workers: tuple[int, list[int], Path],
) -> None:
    port, workers, db = two_workers
    issue_waiting(f"sqlite:///{db}", 3, queues=("A",))
    clerk, listener = desks_on_both(port, workers, ("1001", "1002"))  # one on each worker
    assert worker_of(clerk.conn, workers) != worker_of(listener.conn, workers)
    bearer = {"Authorization": f"Bearer {listener.token}"}
    listener.conn.request("GET", "/v1/events", headers=bearer)
    stream = listener.conn.getresponse()
    assert stream.status == 200
    assert clerk.post("/v1/windows/1/sign-on")[0] == 200
    time.sleep(0.5)  # the stream is open at its worker: what follows is new to it
    heard: list[tuple[float, str]] = []

    def read() -> None:
        while not any("ticket.called" in line for _at, line in heard):
            line = stream.fp.readline().decode()
            if not line:
                return
            heard.append((time.monotonic(), line))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    status, _ticket = clerk.post("/v1/windows/1/call-next")
    sent = time.monotonic()
    assert status == 200
    reader.join(5)
    got = [at for at, line in heard if line.startswith("event: ticket.called")]
    assert got, [line for _at, line in heard]
    # Not the 5 s re-read: the other worker's commit woke it (its 0.2 s poll and the hub's
    # gathering take well under 1 s on a quiet box; the bound leaves room for a loaded one).
    assert got[0] - sent < 2.5
    listener.conn.close()
