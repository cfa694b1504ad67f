"""A simulated person of the demo hall (the kiosk, a colleague): their own signed-in client on the
demo's in-process transport, their own seeded Random, sleeps in the hall's simulated time
(counter.demo.sim_time), and API errors logged and survived: the demo must not crash the app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from client import errors

if TYPE_CHECKING:
    from counter.core.demo_account import DemoAccount
    from counter.demo.sim_hall import SimulatedHall

log = logging.getLogger("counter.demo.simulator")
# The app owns the terminal: never let Python's last-resort handler print over the screen.
log.addHandler(logging.NullHandler())

T = TypeVar("T")

RETRY_S = 3.0  # simulated seconds before a failed actor tries again


class Actor:
    """Shared plumbing: a logged-in client, sleeps in simulated time, errors logged and
    survived."""

    def __init__(self, sim: SimulatedHall, account: DemoAccount, name: str) -> None:
        self.sim = sim
        self.account = account
        self.rng = random.Random(f"{sim.seed}:{name}")
        self.client = sim.new_client()
        self.stop = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        """Simulated seconds (counter.demo.sim_time); none once this actor is told to stop."""
        if not self.stop.is_set():
            await self.sim.time.sleep(seconds, self)

    async def login(self) -> None:
        await self.client.login(self.account.staff_no, self.account.password)

    async def call(self, what: Callable[[], Awaitable[T]]) -> T | None:
        """One API call; a CentralError is logged and answers None (a lost token: log in again)."""
        for _ in range(2):
            try:
                return await what()
            except errors.AuthExpired:
                with contextlib.suppress(errors.CentralError):
                    await self.login()
                    continue
                break
            except errors.CentralError as exc:
                self.sim.stats.errors += 1
                log.info("%s: %s (%s)", self.account.staff_no, exc.message, exc.code)
                return None
        self.sim.stats.errors += 1
        return None

    async def run(self) -> None:
        """The actor's life; it counts as running (time waits for it) except while it sleeps."""
        try:
            await self._run()
        finally:
            self.sim.time.leave()

    async def _run(self) -> None:
        while not self.stop.is_set():
            try:
                await self.login()
                await self.live()
                return
            except asyncio.CancelledError:
                raise
            except errors.CentralError as exc:
                self.sim.stats.errors += 1
                log.info("%s: %s", self.account.staff_no, exc.message)
            except Exception:  # a demo actor must never take the app down
                self.sim.stats.errors += 1
                log.warning("simulated %s failed; restarting", self.account.staff_no, exc_info=True)
            # Half a real second at least: a broken server must not be hammered at high speed.
            await self.sleep(max(RETRY_S, 0.5 * self.sim.speed))

    async def live(self) -> None:
        raise NotImplementedError
