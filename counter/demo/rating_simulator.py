"""The demo's citizens rate their services: each finished ticket is rated a short while after it
finished, on the rating pad of the window that served it (pad01 at window 1, pad02 at 2, …: a
pad rates only its own window's services), through the real API, like any other client.

It follows the hall's live events: a `window.changed` may mean a ticket finished there, so the
window's recent tickets are looked up (GET /v1/windows/{no} gives the current ticket only;
the rater keeps the ticket ids it saw being served and checks them when the window changes).
Most citizens give 5 or 4; a few give 3; about one in twenty-five gives a 差评 with a comment;
about one in five does not rate at all (the default level comes later).

Every random choice comes from a Random seeded from `seed`; waits are divided by `speed`.
A CentralError is logged and the rater carries on: the demo must not crash the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from client import errors
from client.api import CentralClient
from client.live import LiveEvents
from client.rating_models import RatingReason, RatingRequest
from counter.demo.sim_time import SimTime

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# (level, weight): a hall with a satisfaction rate in the high nineties, as published ones are.
LEVEL_WEIGHTS: tuple[tuple[int, float], ...] = (
    (5, 0.72),
    (4, 0.18),
    (3, 0.06),
    (2, 0.025),
    (1, 0.015),
)
# A citizen whose matter was decided wrongly (see counter.demo.citizens.fitting): 差评 likelier.
WRONGED_WEIGHTS: tuple[tuple[int, float], ...] = (
    (5, 0.15),
    (4, 0.15),
    (3, 0.2),
    (2, 0.25),
    (1, 0.25),
)
NO_RATING_P = 0.2
RATE_AFTER_S = (5.0, 40.0)  # the citizen steps to the pad after the clerk finishes
GOOD_REASONS: tuple[RatingReason, ...] = ("friendly", "efficient", "done_once", "clear_guidance")
BAD_REASONS: tuple[RatingReason, ...] = ("attitude", "slow", "many_trips", "unclear_materials")
GOOD_COMMENTS = ("", "", "", "办事效率高，谢谢！", "工作人员很耐心", "一次就办好了")
BAD_COMMENTS = (
    "等了一个多小时才叫到号",
    "材料要求前后说法不一致，跑了两趟",
    "工作人员态度冷淡",
    "系统老是卡，办得很慢",
    "窗口说这件事不归他们管，让我去别处",
)
MIN_SLEEP_S = 0.005


def choose_level(rng: random.Random, wronged: bool = False) -> int:
    table = WRONGED_WEIGHTS if wronged else LEVEL_WEIGHTS
    levels = [level for level, _ in table]
    weights = [weight for _, weight in table]
    return rng.choices(levels, weights)[0]


def citizen_rating(
    ticket_id: int, rng: random.Random, wronged: bool = False
) -> RatingRequest | None:
    """What one citizen does at the pad: nothing (None), or a rating with a realistic spread;
    `wronged`: the matter was decided against the rules, and the citizen felt it."""
    if rng.random() < NO_RATING_P:
        return None
    level = choose_level(rng, wronged)
    if level <= 2:
        reasons = [rng.choice(BAD_REASONS)]
        comment = rng.choice(BAD_COMMENTS)
    else:
        reasons = [rng.choice(GOOD_REASONS)] if rng.random() < 0.4 else []
        comment = rng.choice(GOOD_COMMENTS) if level >= 4 else ""
    return RatingRequest(
        ticket_id=ticket_id, level=level, reasons=reasons, comment=comment, channel="pad"
    )


@dataclass
class RaterStats:
    rated: int = 0
    skipped: int = 0
    levels: dict[int, int] = field(default_factory=lambda: dict.fromkeys((5, 4, 3, 2, 1), 0))
    errors: int = 0


class RatingSimulator:
    """Start with `await start()` inside the app's loop; `await aclose()` stops it."""

    def __init__(
        self,
        new_client: Callable[[], CentralClient],
        *,
        seed: int = 1,
        speed: float = 1.0,
        pad: tuple[str, str] = ("pad01", "counter"),
        pad_of: Callable[[int], tuple[str, str]] = lambda no: (f"pad{no:02d}", "counter"),
        judge: Callable[[int], Awaitable[bool]] | None = None,
        time: SimTime | None = None,
        skip_window: Callable[[int], bool] = lambda _no: False,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.new_client = new_client
        self.client = new_client()  # pad01: follows the hall, reads windows and tickets
        self.pad_of = pad_of  # window → the (staff_no, password) of its pad
        self._pads: dict[int, CentralClient] = {}  # window → its pad, signed in on first use
        self._pad_lock = asyncio.Lock()
        self.rng = random.Random(f"{seed}:ratings")
        # Citizens served by a trainee draw from their own stream: the trainee's pace does not
        # change what the colleagues' citizens give (counter.demo.sim_time).
        self.trainee_rng = random.Random(f"{seed}:ratings:trainees")
        self.time = time
        self.skip_window = skip_window  # a simulated colleague's: rated through rate_later
        self.speed = speed
        self.pad = pad
        self.stats = RaterStats()
        self.judge = judge  # ticket id → was its matter decided wrongly (the demo hall knows)
        self._serving: dict[int, int] = {}  # window → ticket being served there
        self._seen: set[int] = set()
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="simulated rating pad")

    async def aclose(self) -> None:
        tasks = [t for t in (self._task, *self._pending) if t is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._task = None
        self._pending.clear()
        for client in (self.client, *self._pads.values()):
            with contextlib.suppress(Exception):
                await client.aclose()
        self._pads.clear()

    async def _pad(self, window_no: int) -> CentralClient:
        """The pad at `window_no`, signed in (the citizen rates on the pad at their window)."""
        async with self._pad_lock:  # two citizens at one window: one sign-in
            client = self._pads.get(window_no)
            if client is None:
                client = self.new_client()
                try:
                    await client.login(*self.pad_of(window_no))
                except BaseException:
                    await client.aclose()
                    raise
                self._pads[window_no] = client
            return client

    async def _run(self) -> None:
        while True:
            try:
                await self.client.login(*self.pad)
                async for event in LiveEvents(self.client):
                    if event.type == "window.changed" and event.window_no is not None:
                        await self._window_changed(event.window_no)
            except asyncio.CancelledError:
                raise
            except errors.CentralError as exc:
                self.stats.errors += 1
                log.info("rating pad: %s", exc.message)
            except Exception:  # the demo must never take the app down
                self.stats.errors += 1
                log.warning("simulated rating pad failed; restarting", exc_info=True)
            await asyncio.sleep(max(MIN_SLEEP_S, 3.0 / self.speed))

    def rate_later(self, ticket_id: int) -> None:
        """A simulated colleague finished this ticket: the citizen steps to the pad, in the
        hall's simulated time (called while the colleague runs, so time waits for both)."""
        if self.time is None or ticket_id in self._seen:
            return
        self._seen.add(ticket_id)
        self.time.enter()
        task = asyncio.create_task(self._rate_in_time(ticket_id))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _rate_in_time(self, ticket_id: int) -> None:
        assert self.time is not None
        try:
            await self.time.sleep(self.rng.uniform(*RATE_AFTER_S))
            await self._rated(ticket_id, self.rng)
        finally:
            self.time.leave()

    async def _window_changed(self, no: int) -> None:
        if self.skip_window(no):
            return
        try:
            window = await self.client.window(no)
        except errors.CentralError as exc:
            log.info("rating pad: window %s: %s", no, exc.message)
            return
        current = window.current_ticket
        before = self._serving.pop(no, None)
        if current is not None and current.status == "serving":
            self._serving[no] = current.id
        if before is not None and (current is None or current.id != before):
            self._later(before)

    def _later(self, ticket_id: int) -> None:
        if ticket_id in self._seen:
            return
        self._seen.add(ticket_id)
        task = asyncio.create_task(self._rate(ticket_id))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _rate(self, ticket_id: int) -> None:
        rng = self.trainee_rng
        await asyncio.sleep(max(MIN_SLEEP_S, rng.uniform(*RATE_AFTER_S) / self.speed))
        await self._rated(ticket_id, rng)

    async def _rated(self, ticket_id: int, rng: random.Random) -> None:
        try:
            ticket = await self.client.ticket(ticket_id)
        except errors.CentralError:
            return
        if ticket.status != "done":
            return  # held or transferred, not finished: no rating yet
        wronged = False
        if self.judge is not None:
            with contextlib.suppress(errors.CentralError):
                wronged = await self.judge(ticket_id)
        request = citizen_rating(ticket_id, rng, wronged)
        if request is None:
            self.stats.skipped += 1
            return
        try:
            if ticket.window_no is None:
                return
            pad = await self._pad(ticket.window_no)
            await pad.post_rating(request)
        except errors.CentralError as exc:
            self.stats.errors += 1
            log.info("rating pad: ticket %s: %s", ticket_id, exc.message)
            return
        self.stats.rated += 1
        self.stats.levels[request.level] += 1
