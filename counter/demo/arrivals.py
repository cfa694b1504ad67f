"""Citizens arriving at the demo hall: the kiosk (kiosk01) issues their tickets through the real
API, a morning backlog first, then arrivals along the day curve in small bursts now and then,
with green-channel and appointment shares; each citizen gets a bag of papers (their own seeded
stream, so the arrivals stay the same), and citizens turned away come back when due."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from client.hall_time import HALL_TZ
from client.models import QueueInfo, Ticket, TicketKind
from counter.demo.actor import Actor
from counter.demo.citizens import Bag, bag_for, day_factor, items_for

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


class Kiosk(Actor):
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
