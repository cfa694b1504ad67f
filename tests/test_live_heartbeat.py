"""A central that stops answering is shown as lost within two heartbeats (issue 9, item 7).

A real `counter serve` in a child process, frozen with SIGSTOP as a hung server would be: the
TCP connection stays open, nothing more arrives. Before, the status line kept "● live" for 45 s.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from client.api import CentralClient
from client.live import LiveEvents
from tests.conftest import SERVED_HEARTBEAT_S as HEARTBEAT_S


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
