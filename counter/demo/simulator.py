"""A living demo hall: citizens take tickets and colleagues serve them, through the real API.

The simulator is a client like any other: a kiosk (kiosk01, counter.demo.arrivals) issues
tickets and simulated clerks sign on at their windows and call, start and finish tickets, each
an Actor (counter.demo.actor) with its own CentralClient on the demo's in-process transport;
their decisions and the returning citizens are counter.demo.desk_work. Nothing here reaches
into the server.

Every random choice comes from a Random seeded from `seed` (one stream per actor, so the actors'
interleaving does not change each one's choices). All waits are in the hall's simulated
time (counter.demo.sim_time), paced by `speed`; an idle colleague re-checks its queues every
few simulated seconds, never in a busy loop. A CentralError is logged and the actor carries
on: the demo must not crash the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from client import errors
from client.api import CentralClient
from client.catalog_models import CatalogItem
from client.hall_time import HALL_TZ
from client.models import Ticket
from counter.demo.actor import Actor
from counter.demo.arrivals import Kiosk
from counter.demo.citizens import Bag
from counter.demo.desk_work import DeskWork
from counter.demo.handling import handling_seconds
from counter.demo.sim_hall import SimulatorStats
from counter.demo.sim_time import SimTime

if TYPE_CHECKING:
    from counter.core.demo_account import DemoAccount

log = logging.getLogger(__name__)
# The app owns the terminal: never let Python's last-resort handler print over the screen.
log.addHandler(logging.NullHandler())

# Per-colleague behaviour.
NO_SHOW_P = 0.06
RECALL_P = 0.10
BREAK_P = 0.03
IDLE_RECHECK_S = (6.0, 12.0)
WALK_TO_WINDOW_S = (8.0, 40.0)
RECALL_AFTER_S = (20.0, 40.0)
BREAK_S = (120.0, 480.0)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class _Colleague(Actor):
    """A clerk at another window: sign on, then call → start → finish, with the odd no-show."""

    sim: HallSimulator  # the whole simulator, not only what counter.demo.sim_hall shows

    def __init__(self, sim: HallSimulator, account: DemoAccount, window: int) -> None:
        super().__init__(sim, account, f"window-{window}")
        self.window = window
        self.queue_names: dict[str, str] = {}

    async def live(self) -> None:
        await self.sleep(self.rng.uniform(0.0, 20.0))  # colleagues drift in, not all at once
        if self.stop.is_set():
            return
        hall = await self.client.hall()
        self.queue_names = {queue.prefix: queue.name for queue in hall.queues}
        try:
            await self.client.sign_on(self.window)
        except errors.Conflict as exc:
            log.info("window %s is taken (%s); colleague stays home", self.window, exc.message)
            return
        try:
            while not self.stop.is_set():
                ticket = await self.call(lambda: self.client.call_next(self.window))
                if ticket is None:
                    await self.sleep(self.rng.uniform(*IDLE_RECHECK_S))
                    continue
                await self.serve(ticket)
                if self.rng.random() < BREAK_P and not self.stop.is_set():
                    await self.take_break()
        finally:
            # Sent home (release_window): leave the window free. Closing down: the hall goes too.
            if not self.sim.closing:
                await self.call(lambda: self.client.sign_off(self.window))

    async def serve(self, ticket: Ticket) -> None:
        stats = self.sim.stats
        stats.called_by_window[self.window] += 1
        if self.rng.random() < NO_SHOW_P:
            await self.sleep(self.rng.uniform(*RECALL_AFTER_S))
            if await self.call(lambda: self.client.recall(ticket.id)) is not None:
                stats.recalls += 1
            await self.sleep(self.rng.uniform(*RECALL_AFTER_S))
            if await self.call(lambda: self.client.no_show(ticket.id)) is not None:
                stats.no_shows += 1
            return
        if self.rng.random() < RECALL_P:
            await self.sleep(self.rng.uniform(*RECALL_AFTER_S))
            if await self.call(lambda: self.client.recall(ticket.id)) is not None:
                stats.recalls += 1
        await self.sleep(self.rng.uniform(*WALK_TO_WINDOW_S))
        if await self.call(lambda: self.client.start(ticket.id)) is None:
            return
        stats.started += 1
        await self.sleep(self.sim.handling(ticket, self.rng))
        found = self.sim.bags.get(ticket.id)
        if found is not None:
            await self.sim.desk.decide(self, ticket, found[1])
        if await self.call(lambda: self.client.finish(ticket.id)) is not None:
            stats.finished += 1
            if self.sim.on_finished is not None:
                self.sim.on_finished(ticket.id)  # the citizen steps to the rating pad

    async def take_break(self) -> None:
        if await self.call(lambda: self.client.pause(self.window, "break")) is None:
            return
        self.sim.stats.breaks += 1
        await self.sleep(self.rng.uniform(*BREAK_S))
        await self.call(lambda: self.client.resume(self.window))


class HallSimulator:
    """Runs the kiosk and the colleagues as asyncio tasks until aclose()."""

    def __init__(
        self,
        new_client: Callable[[], CentralClient],
        accounts: Iterable[DemoAccount],
        *,
        seed: int = 1,
        speed: float = 1.0,
        exclude_windows: Iterable[int] = (1,),
        clock: Callable[[], datetime] | None = None,
        kiosk: str = "kiosk01",
        time: SimTime | None = None,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.new_client = new_client
        self.accounts = list(accounts)
        self.seed = seed
        self.speed = speed
        self.exclude_windows = set(exclude_windows)
        self.clock = clock or _utc_now
        self.kiosk_staff_no = kiosk
        self.stats = SimulatorStats()
        self.closing = False
        # ticket id → (number, the citizen's bag of papers), shown on the trainee's desk.
        self.bags: dict[int, tuple[str, Bag]] = {}
        self.bag_rng = random.Random(f"{seed}:bags")
        self.items: dict[str, CatalogItem] = {}  # the catalog, by code (the kiosk reads it)
        # Colleagues' decisions and the citizens who come back (counter.demo.desk_work).
        self.desk = DeskWork(self)
        self._opened_at = self.clock()
        # The hall's simulated time; its `resumed` is cleared by the trainer's pause (Ctrl+G).
        self.time = time or SimTime(speed)
        self.resumed = self.time.resumed
        self.on_finished: Callable[[int], None] | None = None  # the rating pad's hook
        self._clock_task: asyncio.Task[None] | None = None
        self._actors: list[Actor] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._colleagues: dict[int, _Colleague] = {}
        self._task_of: dict[int, asyncio.Task[None]] = {}  # id(actor) → its task

    def handling(self, ticket: Ticket, rng: random.Random) -> float:
        """Seconds this ticket's service takes: its queue, its citizen's item and papers, the
        hour of the (simulated) day (counter.demo.handling)."""
        found = self.bags.get(ticket.id)
        bag = found[1] if found is not None else None
        item = self.items.get(bag.item_code) if bag is not None else None
        local = self.now().astimezone(HALL_TZ)
        hour = local.hour + local.minute / 60
        flawed = bag is not None and bag.flaw is not None
        return handling_seconds(ticket.queue, rng, item=item, flawed=flawed, hour=hour)

    # --- the hall's simulated time ---------------------------------------------------------------

    def elapsed_s(self) -> float:
        """Simulated seconds since the hall opened."""
        return self.time.elapsed

    def now(self) -> datetime:
        """The hall's simulated hour (the day curve runs `speed` times faster than the wall)."""
        return self._opened_at + timedelta(seconds=self.time.elapsed)

    def item_said(self, bag: Bag) -> str:
        """What the citizen asks for at the desk: the matter's name as the catalog has it (the
        trainee finds it by name or pinyin, as with a real citizen), its code if unknown."""
        item = self.items.get(bag.item_code)
        return item.name if item is not None else bag.item_code

    def colleague_windows(self) -> set[int]:
        """The windows a simulated colleague works at now."""
        return set(self._colleagues)

    @property
    def running(self) -> bool:
        return bool(self._tasks)

    async def start(self) -> None:
        """Start the kiosk and one colleague per clerk whose window is not excluded."""
        if self._tasks:
            return
        self._opened_at = self.clock()
        kiosk = next((a for a in self.accounts if a.staff_no == self.kiosk_staff_no), None)
        if kiosk is not None:
            self._actors.append(Kiosk(self, kiosk, "kiosk"))
        for account in self.accounts:
            window = account.window
            if account.role != "clerk" or window is None or window in self.exclude_windows:
                continue
            colleague = _Colleague(self, account, window)
            self._colleagues[window] = colleague
            self._actors.append(colleague)
        self._clock_task = asyncio.create_task(self.time.run(), name="simulated time")
        for actor in self._actors:
            name = f"simulated {actor.account.staff_no}"
            self.time.enter()
            task = asyncio.create_task(actor.run(), name=name)
            self._tasks.append(task)
            self._task_of[id(actor)] = task

    async def release_window(self, no: int, timeout: float = 5.0) -> None:
        """Send the colleague at window `no` home (it winds up its ticket and signs off), so a
        trainee can sign on there. Returns once the window is free or after `timeout`."""
        self.exclude_windows.add(no)
        colleague = self._colleagues.pop(no, None)
        if colleague is None:
            return
        colleague.stop.set()
        self.time.wake(colleague)
        task = self._task_of.get(id(colleague))
        if task is not None:
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(asyncio.shield(task), timeout)

    async def aclose(self) -> None:
        """Stop every actor and close their clients; safe to call twice."""
        self.closing = True
        self.time.close()
        for actor in self._actors:
            actor.stop.set()
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._clock_task is not None:
            self._clock_task.cancel()
            await asyncio.gather(self._clock_task, return_exceptions=True)
            self._clock_task = None
        for actor in self._actors:
            with contextlib.suppress(Exception):
                await actor.client.aclose()
        self._tasks.clear()
        self._actors.clear()
        self._colleagues.clear()
        self._task_of.clear()
