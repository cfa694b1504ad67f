"""Waiting in plain asyncio, for the tests that run the central without a terminal (no Pilot):
the bound only says when to give up, and a passing test returns the moment its condition holds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

WAIT_S = 15.0


async def until(condition: Callable[[], object], what: str, seconds: float = WAIT_S) -> None:
    """Wait for the condition, checking every 10 ms (wall clock: a slow step counts as time)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)
