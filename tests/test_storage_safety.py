"""The central's database files and storage faults (issue 10, items 5 and 6).

File modes: the folder the server makes is 0700, the database and its -wal and -shm are 0600,
and an existing file others may read is said at start. Storage faults are real ones: SQLite's
`max_page_count` on the one connection writes go through makes the database full exactly as a
full disk does (SQLITE_FULL), and a database opened read-only refuses writes as a read-only
file system does (SQLITE_READONLY).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from central.app import create_app
from central.settings import Settings
from central.storage_faults import StartupError
from client import errors
from tests.conftest import ClientFactory
from tests.system_parts import require

ROOT = Path(__file__).resolve().parent.parent


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("COUNTER_")}


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """A command from the checkout, without the session's COUNTER_ settings."""
    return subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=90, env=_clean_env()
    )


def _unshare(why: str) -> str:
    """`unshare`, where a private mount namespace can be made (else fail in CI, skip here)."""
    unshare = shutil.which("unshare")
    probe = unshare and subprocess.run([unshare, "-rm", "true"], capture_output=True, check=False)
    require("unshare -rm", bool(probe and probe.returncode == 0), why)
    assert unshare is not None
    return unshare


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_folder_are_the_servers_alone(tmp_path: Path) -> None:
    db = tmp_path / "hall" / "central.db"
    old = os.umask(0o022)  # the usual umask: files 0644 unless the server says otherwise
    try:
        app = create_app(Settings(db_path=str(db), seed="demo", kdf_fast=True))
        with app.state.store.write() as conn:  # a write: the -wal and -shm are there now
            conn.exec_driver_sql("UPDATE hall SET name = name")
        assert mode(db.parent) == 0o700
        for suffix in ("", "-wal", "-shm"):
            found = Path(f"{db}{suffix}")
            assert found.exists() and mode(found) == 0o600, (found, oct(mode(found)))
        app.state.store.dispose()
    finally:
        os.umask(old)


def test_a_database_others_can_read_is_said_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "central.db"
    create_app(Settings(db_path=str(db), seed="demo", kdf_fast=True)).state.store.dispose()
    db.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="central"):
        app = create_app(Settings(db_path=str(db), seed="demo", kdf_fast=True))
    app.state.store.dispose()
    said = [r.getMessage() for r in caplog.records if "can be read by others" in r.getMessage()]
    assert said == [
        f"{db} can be read by others (mode 0644); it holds ID numbers and password hashes: "
        f"chmod 600 {db}"
    ]
    assert mode(db) == 0o644  # said, not changed behind the administrator's back


def _limit_pages(app: Any, pages: int | None) -> None:
    """Cap the database's size on the one connection writes go through (None: no cap)."""
    with app.state.store.writer.connect() as conn:
        if pages is None:
            pages = 2**30
        conn.exec_driver_sql(f"PRAGMA max_page_count = {pages}")


async def test_a_full_disk_is_said_reads_go_on_and_writes_resume(
    central_app: Any, make_client: ClientFactory
) -> None:
    kiosk = await make_client("kiosk01")
    clerk = await make_client("1001")
    first = await kiosk.issue_ticket("A")
    with central_app.state.store.writer.connect() as conn:
        used = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    _limit_pages(central_app, used)
    headers = kiosk.auth_headers()
    full = None
    for _ in range(500):  # the free room left in the last pages fills up within a few tickets
        answer = await kiosk.http.post("/v1/tickets", json={"queue": "A"}, headers=headers)
        if answer.status_code != 201:
            full = answer
            break
    assert full is not None and full.status_code == 503, full and full.text
    error = full.json()["error"]
    assert error["reason"] == "storage_disk_full" and error["code"] == "storage"
    assert error["message"].startswith("The central's disk is full: nothing was saved.")
    assert full.headers["Retry-After"] == "30"

    # Reads need no space: the hall, the queue figures and the ticket are still served.
    assert (await clerk.hall()).windows
    assert (await clerk.ticket(first.id)).number == first.number
    again = await kiosk.http.post("/v1/tickets", json={"queue": "A"}, headers=headers)
    assert again.status_code == 503  # still full: the same sentence, not a crash
    with pytest.raises(errors.ServerError) as said:  # the terminal gets the named cause
        await kiosk.issue_ticket("A")
    assert said.value.reason == "storage_disk_full"

    _limit_pages(central_app, None)  # space is back: the next write simply works
    after = await kiosk.issue_ticket("A")
    assert after.id > first.id


async def test_a_read_only_database_is_said_and_reads_go_on(
    tmp_path: Path, make_client: ClientFactory
) -> None:
    db = tmp_path / "central.db"
    create_app(Settings(db_path=str(db), seed="demo", kdf_fast=True)).state.store.dispose()
    url = f"sqlite+pysqlite:///file:{db}?mode=ro&uri=true"
    app = create_app(Settings(db_url=url, kdf_fast=True))
    try:
        import httpx

        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://central"
        ) as http:
            # Logging in writes the session: refused with the cause, not a 500.
            login = await http.post(
                "/v1/auth/login", json={"staff_no": "1001", "password": "counter"}
            )
            assert login.status_code == 503, login.text
            assert login.json()["error"]["reason"] == "storage_read_only"
            assert "read-only" in login.json()["error"]["message"]
            docs = await http.get("/openapi.json")  # what needs no writing still answers
            assert docs.status_code == 200
    finally:
        app.state.store.dispose()


def test_a_read_only_database_at_start_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    db.touch()  # an empty database the server must create its tables in, opened read-only
    url = f"sqlite+pysqlite:///file:{db}?mode=ro&uri=true"
    with pytest.raises(StartupError) as caught:
        create_app(Settings(db_url=url, seed="demo", kdf_fast=True))
    assert str(caught.value) == (
        f"The central cannot write its database file:{db}: "
        "the file system (or the database file) is read-only."
    )
    # `counter serve` prints that line alone and exits 2: no traceback.
    done = _run([sys.executable, "-m", "counter", "serve", "--db-url", url, "--port", "18201"])
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "is read-only" in lines[0], done.stderr


# Run inside a private mount namespace on a fresh tmpfs: make a hall's database, remount the
# file system read-only, then start the central on it and on a path not made yet.
_ON_A_READ_ONLY_FILE_SYSTEM = """
import subprocess, sys
from central.app import create_app
from central.settings import Settings
from central.storage_faults import StartupError
mount = sys.argv[1]
made = create_app(Settings(db_path=f"{mount}/hall/central.db", seed="demo", kdf_fast=True))
made.state.store.dispose()
subprocess.run(["mount", "-o", "remount,ro", mount], check=True)
for path in (f"{mount}/hall/central.db", f"{mount}/new/central.db"):
    try:
        create_app(Settings(db_path=path, seed="demo", kdf_fast=True))
    except StartupError as said:
        print(said)
"""


def test_a_read_only_file_system_at_start_is_one_line(tmp_path: Path) -> None:
    """A hall's database on a file system mounted read-only (SQLite says only that it cannot
    open it), and a new one there: each one line naming the cause. The mount is private to the
    test (unshare), nothing is mounted outside it."""
    unshare = _unshare("mounts a read-only file system for the central, in a private namespace")
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = f'mount -t tmpfs -o size=16m tmpfs {mount} && exec "$0" -c "$1" {mount}'
    done = _run([unshare, "-rm", "sh", "-c", script, sys.executable, _ON_A_READ_ONLY_FILE_SYSTEM])
    assert done.returncode == 0, done.stderr
    said = "the file system (or the database file) is read-only."
    assert done.stdout.splitlines() == [
        f"The central cannot write its database {mount}/hall/central.db: {said}",
        f"The central cannot write its database {mount}/new/central.db: {said}",
    ]


def test_a_full_disk_under_a_real_server_keeps_the_connection_and_writes_resume(
    tmp_path: Path,
) -> None:
    """A real full disk under `counter serve`: the central's database on a 3 MB tmpfs (in a
    private mount namespace), filled to the last block by another file. A write that needs a
    new block is answered 503 naming the cause; the same keep-alive connection then reads (no
    reset) and is refused again in the same words; once the file is gone the next write works."""
    import httpx

    from tests.central_process import free_port, stop

    unshare = _unshare("mounts a small file system for the central, in a private namespace")
    mount, port = tmp_path / "mnt", free_port()
    mount.mkdir()
    config = tmp_path / "central.toml"
    config.write_text("kdf_fast = true\n", encoding="utf-8")
    script = f'mount -t tmpfs -o size=3m tmpfs {mount} && exec "$@"'
    serve = [sys.executable, "-m", "counter", "serve", "--port", str(port), "--config",
             str(config), "--db", f"{mount}/central.db", "--seed", "demo"]  # fmt: skip
    env = _clean_env()
    server = subprocess.Popen(
        [unshare, "-rm", "sh", "-c", script, "sh", *serve],
        cwd=ROOT,
        env={**env, "COUNTER_LOG_LEVEL": "error"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    inside = Path(f"/proc/{server.pid}/root{mount}")  # the server's mount, seen from here
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(900):
                assert server.poll() is None, "counter serve exited"
                with contextlib.suppress(httpx.HTTPError):
                    if http.get("/openapi.json").status_code == 200:
                        break
                time.sleep(0.1)
            body = {"staff_no": "kiosk01", "password": "counter"}
            token = http.post("/v1/auth/login", json=body).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            first = http.post("/v1/tickets", json={"queue": "A"}, headers=headers)
            assert first.status_code == 201, first.text
            with (inside / "filler").open("wb", buffering=0) as filler:
                with contextlib.suppress(OSError):  # ENOSPC: the disk is full now
                    while True:
                        filler.write(b"\1" * 65536)
                with contextlib.suppress(OSError):
                    while True:
                        filler.write(b"\1" * 512)
            # The log SQLite already wrote (and the checkpoint thread copied back) is reused
            # in place: a few writes may still fit in it, and are kept. The first that needs
            # a new block is refused.
            kept = 0
            full = http.post("/v1/tickets", json={"queue": "A"}, headers=headers)
            while full.status_code == 201 and kept < 200:
                kept += 1
                full = http.post("/v1/tickets", json={"queue": "A"}, headers=headers)
            assert full.status_code == 503, full.text
            assert full.json()["error"]["reason"] == "storage_disk_full"
            assert full.json()["error"]["message"].startswith("The central's disk is full")
            read = http.get(f"/v1/tickets/{first.json()['id']}", headers=headers)
            assert read.status_code == 200 and read.json()["number"] == "A001"  # not reset
            again = http.post("/v1/tickets", json={"queue": "A"}, headers=headers)
            assert again.status_code == 503 and again.json() == full.json()
            (inside / "filler").unlink()  # space is back
            after = http.post("/v1/tickets", json={"queue": "A"}, headers=headers)
            assert after.status_code == 201, after.text
            assert after.json()["number"] == f"A{2 + kept:03d}"
    finally:
        stop(server)
