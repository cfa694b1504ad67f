"""Wakes waiting event streams when a transaction that wrote events commits.

Writers run in worker threads, streams wait in the event loop: notify() is thread-safe and
wakes every waiter on its own loop. A version counter closes the gap between a stream's last
database read and the moment it starts waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading


class Notifier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self.version = 0

    def notify(self) -> None:
        with self._lock:
            self.version += 1
            waiters = list(self._waiters)
        for loop, flag in waiters:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(flag.set)

    async def wait(self, since_version: int, timeout: float) -> bool:
        """True when something was written after `since_version`; False on timeout."""
        flag = asyncio.Event()
        waiter = (asyncio.get_running_loop(), flag)
        with self._lock:
            if self.version != since_version:
                return True
            self._waiters.add(waiter)
        try:
            await asyncio.wait_for(flag.wait(), max(timeout, 0.0))
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            with self._lock:
                self._waiters.discard(waiter)
