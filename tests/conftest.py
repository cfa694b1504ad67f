"""Shared fixtures: a real central API in-process, and clients logged in as hall staff."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.hall_time import HALL_TZ

# The terminal follows the locale; tests pin it so snapshots do not depend on the machine.
os.environ.setdefault("LANG", "en_US.UTF-8")

# A working Tuesday morning in the hall (UTC+8), used by every deterministic test.
FIXED_NOW = datetime(2026, 11, 17, 9, 30, tzinfo=HALL_TZ)


class FakeClock:
    """A clock tests move by hand; the server and the terminal both read it."""

    def __init__(self, now: datetime = FIXED_NOW) -> None:
        self.now = now.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps its drafts, receipts, catalog cache and config in its own folder,
    never in the real home (platformdirs follows the XDG variables; the terminal's own
    variables name the folders outright)."""
    from counter.core import catalog_cache, i18n
    from counter.core.config import ENV_VAR as CONFIG_ENV
    from counter.core.places import CACHE_ENV, DATA_ENV

    home = tmp_path / "home"
    for name, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
    ):
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.setenv(DATA_ENV, str(home / "state" / "counter"))
    monkeypatch.setenv(CACHE_ENV, str(home / "cache" / "counter"))
    monkeypatch.setenv(CONFIG_ENV, str(home / "config" / "counter" / "config.toml"))
    catalog_cache.forget()  # the in-process catalog index of an earlier test's central
    # Each test starts in the locale's language: one that chose zh must not leak into the next.
    monkeypatch.setattr(i18n, "_current", None)
    return home


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "central.db"


# Storage backends. A module marked `pytestmark = pytest.mark.backends("sqlite", "postgresql")`
# runs each test using `central_app` / `db_url` on both (see tests/pg_cluster.py); others: SQLite.
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "backends(*names): run on each storage backend named")


def pytest_generate_tests(metafunc: Any) -> None:
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", marker.args or BACKENDS, indirect=True)


@pytest.fixture
def backend(request: Any) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster for the session (None when not installed here)."""
    from tests.pg_cluster import Cluster, find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is None:
        yield None
        return
    cluster = Cluster(bin_dir)
    try:
        cluster.start()
        cluster.make_template()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_database(pg_cluster: Any) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database holding the newest schema, dropped afterwards."""
    from tests.pg_cluster import MISSING
    from tests.system_parts import require

    require("PostgreSQL", pg_cluster is not None, MISSING)
    name = pg_cluster.new_database()
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


@pytest.fixture
def db_url(backend: str, request: Any) -> str | None:
    """None on SQLite (the database is `db_path`), a fresh database's URL on PostgreSQL."""
    if backend == "sqlite":
        return None
    return str(request.getfixturevalue("pg_database"))


@pytest.fixture
def central_app(db_path: Path, db_url: str | None, clock: FakeClock) -> Iterator[Any]:
    from central.app import create_app
    from central.settings import Settings

    app = create_app(
        Settings(db_path=str(db_path), db_url=db_url, seed="demo", clock=clock, kdf_fast=True)
    )
    yield app
    app.state.store.dispose()


ClientFactory = Callable[..., Awaitable[CentralClient]]


@pytest.fixture
async def make_client(central_app: Any) -> AsyncIterator[ClientFactory]:
    """make_client("1001") → a CentralClient logged in as that account (demo password)."""
    made: list[CentralClient] = []

    async def factory(staff_no: str | None = None, password: str = "counter") -> CentralClient:
        client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
        made.append(client)
        if staff_no is not None:
            await client.login(staff_no, password)
        return client

    yield factory
    for client in made:
        await client.aclose()


@pytest.fixture
async def terminal_client(central_app: Any) -> AsyncIterator[CentralClient]:
    """The terminal's own client of the in-process central (not logged in: the app does that)."""
    client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    yield client
    await client.aclose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line naming the parts of the distribution that were missing here (never in CI)."""
    from tests.browser import ARTIFACTS
    from tests.system_parts import SKIPPED

    for path in ARTIFACTS:
        terminalreporter.write_line(f"artifact kept: {path}")
    if SKIPPED:
        parts = "; ".join(f"{part} ({why})" for part, why in sorted(SKIPPED.items()))
        terminalreporter.write_line(f"skipped, missing on this machine: {parts}")


SERVED_HEARTBEAT_S = 0.4  # the served central's heartbeat (test_live_heartbeat counts in it)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A real `counter serve` child process on the demo hall; its address and the process."""
    import signal

    from tests.central_process import free_port, start_serve, stop

    config = tmp_path / "central.toml"
    config.write_text(f"heartbeat_s = {SERVED_HEARTBEAT_S}\nkdf_fast = true\n", encoding="utf-8")
    port = free_port()
    args = ["--db", str(tmp_path / "central.db"), "--seed", "demo", "--config", str(config)]
    process = start_serve(port, *args, wait_s=90)  # a loaded box starts it slowly
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        os.kill(process.pid, signal.SIGCONT)  # test_live_heartbeat freezes it with SIGSTOP
        stop(process)


@pytest.fixture
def served_hot(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the hot front served (its serve watched, not replaced)."""
    from central import hot_front

    seen: list[str] = []
    serve = hot_front.HotFront.serve

    async def watched(
        self: hot_front.HotFront, found: Any, token: Any, scope: Any, *a: Any
    ) -> None:
        seen.append(scope["path"])
        await serve(self, found, token, scope, *a)

    monkeypatch.setattr(hot_front.HotFront, "serve", watched)
    return seen
