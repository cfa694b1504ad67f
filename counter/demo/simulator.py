"""A living demo hall: citizens take tickets and colleagues serve them, through the real API.

The simulator is a client like any other: a kiosk (kiosk01) issues tickets and simulated
clerks sign on at their windows and call, start and finish tickets, each with its own
CentralClient on the demo's in-process transport. Nothing here reaches into the server.

Every random choice comes from a Random seeded from `seed` (one stream per actor, so the actors'
interleaving does not change each one's choices). All waits are asyncio sleeps divided by
`speed`; an idle colleague re-checks its queues every few (simulated) seconds, never in a
busy loop. A CentralError is logged and the actor carries on: the demo must not crash the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, TypeVar

from client import errors
from client.api import CentralClient
from client.catalog_models import CatalogItem
from client.hall_time import HALL_TZ
from client.models import QueueInfo, Ticket, TicketKind
from counter.demo.citizens import Bag, bag_for, day_factor, items_for
from counter.demo.desk_work import DeskWork
from counter.demo.handling import handling_seconds
from counter.demo.sim_time import SimTime

if TYPE_CHECKING:
    from counter.core.demo_account import DemoAccount

log = logging.getLogger(__name__)
# The app owns the terminal: never let Python's last-resort handler print over the screen.
log.addHandler(logging.NullHandler())

T = TypeVar("T")

# A demo hall: about one citizen every few seconds overall, in small bursts now and then.
MEAN_ARRIVAL_GAP_S = 4.0
BURST_P = 0.12
BURST_SIZE = (2, 4)
BURST_GAP_S = (0.5, 2.0)
# Above this many waiting tickets the kiosk slows down, as a full hall does (and the demo
# database stays small however long the class runs).
SOFT_WAITING_CAP = 40
# The doors opened a while ago: a demo starts with citizens already waiting in line.
MORNING_BACKLOG = 18
GREEN_P = 0.08
APPOINTMENT_P = 0.15
# Per-colleague behaviour.
NO_SHOW_P = 0.06
RECALL_P = 0.10
BREAK_P = 0.03
IDLE_RECHECK_S = (6.0, 12.0)
WALK_TO_WINDOW_S = (8.0, 40.0)
RECALL_AFTER_S = (20.0, 40.0)
BREAK_S = (120.0, 480.0)
# Never sleep less than this, whatever the speed: keeps a fast demo from hogging the loop.
MIN_SLEEP_S = 0.005
RETRY_S = 3.0


@dataclass
class SimulatorStats:
    """What the simulated hall did, for tests and the trainer's curiosity."""

    issued: Counter[str] = field(default_factory=Counter)  # queue prefix → tickets
    kinds: Counter[str] = field(default_factory=Counter)
    called_by_window: Counter[int] = field(default_factory=Counter)
    started: int = 0
    finished: int = 0
    recalls: int = 0
    no_shows: int = 0
    breaks: int = 0
    errors: int = 0
    decisions: Counter[str] = field(default_factory=Counter)  # what colleagues decided
    returns: int = 0  # citizens back after a notice


def queue_weights(queues: Sequence[QueueInfo], rng: random.Random) -> dict[str, float]:
    """How often citizens pick each queue: the general intake (综合受理) is the busiest."""
    weights: dict[str, float] = {}
    for index, queue in enumerate(queues):
        busiest = "综合" in queue.name or (index == 0 and not any("综合" in q.name for q in queues))
        weights[queue.prefix] = (3.5 if busiest else 1.0) * rng.uniform(0.8, 1.2)
    return weights


def choose_kind(rng: random.Random) -> TicketKind:
    draw = rng.random()
    if draw < GREEN_P:
        return "green"
    if draw < GREEN_P + APPOINTMENT_P:
        return "appointment"
    return "walk_in"


def appointment_slot(now: datetime, rng: random.Random) -> datetime:
    """A quarter-hour slot around now: some already due, most coming within the hour."""
    quarter = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return quarter + timedelta(minutes=15 * rng.choice([-1, 0, 0, 1, 1, 2, 3]))


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class _Actor:
    """Shared plumbing: a logged-in client, scaled sleeps, errors logged and survived."""

    def __init__(self, sim: HallSimulator, account: DemoAccount, name: str) -> None:
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


class _Kiosk(_Actor):
    """Citizens arriving and taking tickets."""

    async def live(self) -> None:
        hall = await self.client.hall()
        names = {queue.prefix: queue.name for queue in hall.queues}
        catalog = await self.call(self.client.catalog)
        self.items = list(catalog.items) if catalog is not None else []
        self.sim.items = {item.code: item for item in self.items}
        weights = queue_weights(hall.queues, self.rng)
        prefixes, shares = list(weights), list(weights.values())
        for _ in range(MORNING_BACKLOG):
            queue = self.rng.choices(prefixes, shares)[0]
            await self.issue(queue, names.get(queue, ""))
        waiting = MORNING_BACKLOG
        burst = 0
        issued = 0
        while not self.stop.is_set():
            if burst > 0:
                burst -= 1
                gap = self.rng.uniform(*BURST_GAP_S)
            else:
                gap = self.rng.expovariate(1.0 / MEAN_ARRIVAL_GAP_S)
                if self.rng.random() < BURST_P:
                    burst = self.rng.randint(*BURST_SIZE) - 1
            if waiting > SOFT_WAITING_CAP:
                gap *= (waiting / SOFT_WAITING_CAP) ** 2
            # The day's curve (morning peak, lunch dip), never slower than half the mean.
            hour = self.sim.now().astimezone(HALL_TZ)
            gap /= min(1.7, max(0.5, day_factor(hour.hour + hour.minute / 60)))
            await self.sleep(gap)
            if self.stop.is_set():
                return
            for queue_back, bag in self.sim.desk.due_returns():
                await self.come_back(queue_back, bag)
            queue = self.rng.choices(prefixes, shares)[0]
            await self.issue(queue, names.get(queue, ""))
            issued += 1
            if issued % 10 == 1:
                waiting = await self.waiting(waiting)

    async def issue(self, queue: str, name: str) -> None:
        kind = choose_kind(self.rng)
        slot = appointment_slot(self.sim.clock(), self.rng) if kind == "appointment" else None
        ticket = await self.call(lambda: self.client.issue_ticket(queue, kind, slot))
        if ticket is None and kind != "walk_in":
            # A server that refuses the slot (or the kind) still gets the citizen in line.
            kind = "walk_in"
            ticket = await self.call(lambda: self.client.issue_ticket(queue, kind))
        if ticket is not None:
            self.sim.stats.issued[ticket.queue] += 1
            self.sim.stats.kinds[kind] += 1
            self.pack_bag(ticket)

    async def come_back(self, queue: str, bag: Bag) -> None:
        """A citizen turned away earlier takes a ticket again, with the papers they now have."""
        ticket = await self.call(lambda: self.client.issue_ticket(queue, "walk_in"))
        if ticket is not None:
            self.sim.stats.issued[ticket.queue] += 1
            self.sim.stats.returns += 1
            self.sim.bags[ticket.id] = (ticket.number, bag)

    def pack_bag(self, ticket: Ticket) -> None:
        """The papers this citizen brings (their own seeded stream: arrivals stay the same)."""
        choices = items_for(ticket.queue, getattr(self, "items", []))
        if choices:
            item = self.sim.bag_rng.choice(choices)
            today = self.sim.now().astimezone(HALL_TZ).date()
            self.sim.bags[ticket.id] = (ticket.number, bag_for(item, self.sim.bag_rng, today))

    async def waiting(self, previous: int) -> int:
        answer = await self.call(self.client.queues)
        if answer is None:
            return previous
        return sum(queue.waiting for queue in answer.queues)


class _Colleague(_Actor):
    """A clerk at another window: sign on, then call → start → finish, with the odd no-show."""

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
        self._actors: list[_Actor] = []
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
            self._actors.append(_Kiosk(self, kiosk, "kiosk"))
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
