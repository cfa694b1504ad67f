"""A central that stops answering is shown as lost within two heartbeats (issue 9, item 7).

A real `counter serve` in a child process, frozen with SIGSTOP as a hung server would be: the
TCP connection stays open, nothing more arrives. Before, the status line kept "● live" for 45 s.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from client.api import CentralClient
from client.live import LiveEvents

HEARTBEAT_S = 0.4
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    config = tmp_path / "central.toml"
    config.write_text(f"heartbeat_s = {HEARTBEAT_S}\nkdf_fast = true\n", encoding="utf-8")
    command = [sys.executable, "-m", "counter", "serve", "--port", str(port)]
    command += ["--db", str(tmp_path / "central.db"), "--seed", "demo", "--config", str(config)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the central did not start"
            time.sleep(0.1)
        yield url, process
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        process.wait(timeout=10)


async def _until(condition: Callable[[], bool], seconds: float) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def test_a_frozen_central_is_lost_within_two_heartbeats(
    served: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, process = served
    client = CentralClient(url)
    await client.login("1001", "counter")
    # A terminal assumes the usual 15 s and learns the central's own heartbeat from it.
    learner = LiveEvents(client)
    async with _following(learner):
        await _until(lambda: learner.state == "live", 10)
    assert learner.heartbeat_s == HEARTBEAT_S

    live = LiveEvents(client, heartbeat_s=HEARTBEAT_S)
    async with _following(live):
        await _until(lambda: live.state == "live", 10)
        process.send_signal(signal.SIGSTOP)
        lost_after = await _until(lambda: live.state != "live", 5)
        assert lost_after <= 2 * HEARTBEAT_S + 0.3
        assert live.state == "offline"
        process.send_signal(signal.SIGCONT)
        await _until(lambda: live.state == "live", 15)
    await client.aclose()


@asynccontextmanager
async def _following(live: LiveEvents) -> AsyncIterator[None]:
    async def follow() -> None:
        async for _event in live:
            pass

    task = asyncio.create_task(follow())
    try:
        yield
    finally:
        task.cancel()
