"""The default-rating sweep in time-boxed batches (what the periodic job runs).

A fixed batch of 200 held the writer 25 ms on a quiet day and 238 ms when the machine was
busy or the pages were cold, and a ticket issued meanwhile waited as long. Here each batch's
size follows the time the last ones took: it aims at a short write transaction (15 ms), halves
at once when one ran long, grows slowly when they are quick, and never goes below a handful of
services nor above a thousand. Between batches the job steps aside so a queued ticket or call
goes first. Each batch is central.ratings.sweep_defaults: set-based, idempotent, resumable.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from central import rating_defaults as ratings
from central.context import SystemCtx
from central.store import Store

TARGET_S = 0.015  # aim: a batch's write transaction holds the writer this long
LONGEST_S = 0.050  # the budget: no write transaction longer than this


@dataclass
class Pace:
    """The next batch's size, from how long the batches so far held the writer."""

    size: int = 50
    smallest: int = 5
    largest: int = 1000
    target_s: float = TARGET_S

    def took(self, seconds: float, stored: int) -> None:
        if stored <= 0:
            return
        if seconds > self.target_s * 2:  # ran long (a busy machine, cold pages): back off now
            self.size = max(self.smallest, min(self.size // 2, stored // 2))
            return
        fits = int(self.target_s * stored / max(seconds, 1e-6))
        self.size = max(self.smallest, min(self.largest, fits, self.size + self.size // 2))


def sweep(store: Store, pace: Pace | None = None, max_batches: int | None = None) -> int:
    """The whole sweep, one short write transaction per batch; the defaults stored."""
    pace = pace or Pace()
    with store.read() as conn:
        if not ratings.sweep_needed(conn, store.settings, store.now()):
            return 0
    total = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        started = time.perf_counter()
        with store.write() as conn:
            ctx = SystemCtx(now=store.now(), hall=store.hall, source="rating-sweep")
            stored, done = ratings.sweep_defaults(conn, ctx, store.settings, pace.size)
        pace.took(time.perf_counter() - started, stored)
        total += stored
        batches += 1
        if done:
            break
        # Let a writer that queued behind this batch (a ticket, a call) go first: the
        # in-process writer connection is not handed out in order.
        time.sleep(ratings.SWEEP_PAUSE_S)
    return total
