"""The default-rating sweep in time-boxed batches (what the periodic job runs).

A fixed batch of 200 held the writer 25 ms on a quiet day and 238 ms when the machine was
busy or the pages were cold, and a ticket issued meanwhile waited as long. Here each batch's
size follows the time the last ones took: it aims at a short write transaction (10 ms), halves
at once when one ran long, grows slowly when they are quick, and never goes below a handful of
services nor above 500. Each batch is read before its write transaction (the walk over the
done tickets was most of a batch's hold), and between batches the job steps aside so a queued
ticket or call goes first. Each batch is central.rating_defaults.pick_batch + store_batch:
set-based, idempotent, resumable.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from central import rating_defaults as ratings
from central.context import SystemCtx
from central.store import Store

TARGET_S = 0.010  # aim: a batch's write transaction holds the writer this long
LONGEST_S = 0.050  # the budget: no write transaction longer than this


@dataclass
class Pace:
    """The next batch's size, from how long the batches so far held the writer."""

    size: int = 50
    smallest: int = 5
    largest: int = 500
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
    """The whole sweep; the defaults stored. Each batch is read first in a read transaction
    (the walk over the done tickets holds no lock), then stored in one short write
    transaction; the pace learns from how long that write held the writer, from BEGIN to
    the end of COMMIT (not the wait for the writer, which a busy hall's own writes make)."""
    pace = pace or Pace()
    settings = store.settings
    with store.read() as conn:
        if not ratings.sweep_needed(conn, settings, store.now()):
            return 0
    total = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        with store.read() as conn:
            batch = ratings.pick_batch(conn, settings, store.now(), pace.size)
        if batch is None:
            break
        with store.write() as conn:
            held_from = time.perf_counter()
            ctx = SystemCtx(now=store.now(), hall=store.hall, source="rating-sweep")
            stored = ratings.store_batch(conn, ctx, settings, batch)
        held = time.perf_counter() - held_from
        batches += 1
        if stored is None:  # another sweep stored it meanwhile: read again
            continue
        pace.took(held, stored)
        total += stored
        if batch.done:
            break
        # Let a writer that queued behind this batch (a ticket, a call) go first: the
        # in-process writer connection is not handed out in order.
        time.sleep(ratings.SWEEP_PAUSE_S)
    return total
