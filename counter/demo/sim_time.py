"""The simulated hall's time: actors sleep in simulated seconds and wake one at a time.

Every actor of the simulated hall (the kiosk, each colleague, each citizen on their way to the
rating pad) runs until it sleeps; only when every one of them sleeps does the hall's time move
on, to the earliest wake-up, and that one actor (ties in the order they fell asleep) runs
again. So the actors never race each other: with the same seed, the same tickets are issued,
called, decided and rated in the same order, whatever the machine's speed (the trainee's own
keys are the only outside hand).

`speed` paces it against the wall clock (a simulated minute takes 60/speed real seconds),
anchored to the wall: time the actors spend running is caught up, so the hall keeps its pace.
The trainer's pause holds the next wake-up and stops the hall's clock. `until` ends a run at a
simulated second (tests). `now_s()` is the hall's clock between wake-ups too: the demo's central
stamps tickets by it, so every wait the trainee sees moves at the demo's speed.
"""

from __future__ import annotations

import asyncio
import heapq
import time

# While the trainer pauses the hall, the clock looks for the resume this often (real seconds).
PAUSED_RECHECK_S = 0.2


class SimTime:
    def __init__(self, speed: float = 1.0, *, until: float | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self.until = until
        self.elapsed = 0.0  # simulated seconds since the hall opened
        self.resumed = asyncio.Event()  # cleared while the trainer pauses the hall
        self.resumed.set()
        self.over = asyncio.Event()  # `until` reached
        self.closed = False
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = 0
        self._running = 0
        self._changed = asyncio.Event()
        self._owner: dict[int, asyncio.Future[None]] = {}
        # (wall monotonic, simulated seconds) the pace is counted from; set when run() starts
        # and again on resume. None before: the clock stands at `elapsed`.
        self._anchor: tuple[float, float] | None = None
        self._stopped_at: float | None = None  # simulated seconds, while paused or closed

    # --- the hall's clock --------------------------------------------------------------------

    def now_s(self) -> float:
        """Simulated seconds since the hall opened, moving smoothly (speed times the wall)
        between the actors' wake-ups; still while paused and once closed."""
        if self._stopped_at is not None:
            return self._stopped_at
        if self._anchor is None:
            return self.elapsed
        real, simulated = self._anchor
        return max(self.elapsed, simulated + (time.monotonic() - real) * self.speed)

    def pause(self) -> None:
        """The trainer's pause: nobody wakes and the hall's clock stands still."""
        if self.resumed.is_set():
            self._stopped_at = self.now_s()
            self.resumed.clear()
            self._changed.set()

    def resume(self) -> None:
        if not self.resumed.is_set():
            stopped = self._stopped_at if self._stopped_at is not None else self.elapsed
            self._stopped_at = None
            if self._anchor is not None:
                self._anchor = (time.monotonic(), stopped)
            self.resumed.set()
            self._changed.set()

    @property
    def paused(self) -> bool:
        return not self.resumed.is_set()

    # --- actors ----------------------------------------------------------------------------------

    def enter(self) -> None:
        """An actor starts running (call it before its task is created)."""
        self._running += 1

    def leave(self) -> None:
        """An actor is done (or sleeps): time may move on once nobody runs."""
        self._running -= 1
        self._changed.set()

    async def sleep(self, seconds: float, owner: object = None) -> None:
        """Sleep `seconds` of simulated time; `wake(owner)` ends it early."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.elapsed + max(0.0, seconds), self._order, future))
        self._order += 1
        if owner is not None:
            self._owner[id(owner)] = future
        self.leave()
        try:
            await future
        except asyncio.CancelledError:
            if future.cancelled():  # not woken by the clock: running again, to clean up
                self._running += 1
            raise
        finally:
            if owner is not None and self._owner.get(id(owner)) is future:
                del self._owner[id(owner)]

    def wake(self, owner: object) -> None:
        """End `owner`'s sleep now (a colleague sent home)."""
        future = self._owner.get(id(owner))
        if future is not None and not future.done():
            self._running += 1
            future.set_result(None)

    # --- the clock ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Move time on whenever nobody runs; returns when `until` is reached or on close()."""
        if self._anchor is None:
            self._anchor = (time.monotonic(), self.elapsed)
        while not self.closed:
            if self._running > 0 or not self._sleepers:
                await self._nap(None)
                continue
            due, _, future = self._sleepers[0]
            if future.done():  # woken early or cancelled
                heapq.heappop(self._sleepers)
                continue
            if self.until is not None and due > self.until:
                self.elapsed = self.until
                self.over.set()
                return
            if not self.resumed.is_set():
                await self._nap(PAUSED_RECHECK_S)  # the trainer's pause: look again shortly
                continue
            real, simulated = self._anchor or (time.monotonic(), self.elapsed)
            wait = real + (due - simulated) / self.speed - time.monotonic()
            if wait > 0.001:
                await self._nap(wait)
                continue  # due now, or someone woke up meanwhile (sent home, paused): look again
            if self._running > 0 or not self._sleepers or self._sleepers[0][2] is not future:
                continue
            heapq.heappop(self._sleepers)
            self.elapsed = max(self.elapsed, due)
            self._running += 1
            future.set_result(None)

    def close(self) -> None:
        """Stop the clock (the hall closes); run() returns."""
        if self._stopped_at is None:
            self._stopped_at = self.now_s()
        self.closed = True
        self._changed.set()

    async def _nap(self, seconds: float | None) -> None:
        """Wait until something changes, at most `seconds`.

        A timer sets the event rather than asyncio.wait_for: on Python 3.11 wait_for can swallow
        a cancellation that arrives as its inner wait finishes, which left the hall's clock
        waiting forever after close (the hang the first version of this module had)."""
        self._changed.clear()
        handle = None
        if seconds is not None:
            handle = asyncio.get_running_loop().call_later(seconds, self._changed.set)
        try:
            await self._changed.wait()
        finally:
            if handle is not None:
                handle.cancel()
