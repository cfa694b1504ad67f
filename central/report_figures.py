"""What a report counts per queue and per clerk over some days (Figures), and its durations
(Times): whole-second histograms beside exact microsecond sums, merged day by day without
unpacking them. The daily roll-ups (central.report_rollups) store and read these.

Rounding to whole seconds (half up) keeps the order, so the p90 of a histogram is the rounded
p90 of the tickets themselves, and the sum gives the exact average.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field

US = 1_000_000
Key = tuple[str, str]  # ('queue', prefix) or ('clerk', staff_no)


def whole_seconds(us: int) -> int:
    """Microseconds to whole seconds, half up (exact: integers only)."""
    return (us + US // 2) // US


# A histogram is stored as one sorted 64-bit int per second: second·2²⁰ + the count of all
# durations up to that second (cumulative). How many of a day's are ≤ s is then one binary
# search; a month's p90 is a binary search over s of such sums: no day's histogram is ever
# unpacked or merged entry by entry (~400,000 entries a month).
SHIFT = 20
MASK = (1 << SHIFT) - 1


def _cumulative(counts: dict[int, int]) -> array[int]:
    entries = array("q")
    seen = 0
    for second in sorted(counts):
        seen += counts[second]
        entries.append((second << SHIFT) | seen)
    if seen > MASK:  # pragma: no cover - a million tickets of one queue in one day
        raise ValueError("too many durations for one histogram")
    return entries


def _up_to(part: array[int], second: int) -> int:
    """How many of a cumulative histogram's durations are ≤ `second`."""
    i = bisect_right(part, (second << SHIFT) | MASK)
    return part[i - 1] & MASK if i else 0


@dataclass(eq=False)
class Times:
    """Durations: how many of each whole second, how many in all, their exact sum.

    Counted tickets go to `counts`; stored days stay as their cumulative histograms (`parts`,
    as report_daily stores them), merged by keeping them side by side."""

    counts: dict[int, int] = field(default_factory=dict)
    parts: list[array[int]] = field(default_factory=list)
    n: int = 0
    total_us: int = 0

    def add(self, us: int) -> None:
        second = whole_seconds(us)
        self.counts[second] = self.counts.get(second, 0) + 1
        self.n += 1
        self.total_us += us

    def merge(self, other: Times) -> None:
        self.parts.extend(other.parts)
        if other.counts:
            self.parts.append(_cumulative(other.counts))
        self.n += other.n
        self.total_us += other.total_us

    def _all(self) -> list[array[int]]:
        return [*self.parts, _cumulative(self.counts)] if self.counts else self.parts

    def histogram(self) -> dict[int, int]:
        """Second → how many, all parts added up."""
        found: dict[int, int] = {}
        for part in self._all():
            before = 0
            for entry in part:
                second, upto = entry >> SHIFT, entry & MASK
                found[second] = found.get(second, 0) + upto - before
                before = upto
        return found

    def stored_form(self) -> bytes:
        """The cumulative histogram as report_daily stores it: 64-bit little-endian ints."""
        entries = _cumulative(self.histogram())
        if sys.byteorder == "big":  # pragma: no cover
            entries.byteswap()
        return entries.tobytes()

    @classmethod
    def of_stored(cls, stored: bytes, n: int, total_us: int) -> Times:
        entries = array("q")
        entries.frombytes(stored)
        if sys.byteorder == "big":  # pragma: no cover
            entries.byteswap()
        return cls(parts=[entries] if entries else [], n=int(n), total_us=int(total_us))

    def p90(self) -> int | None:
        """Nearest rank: the ⌈0.9·n⌉-th in order (as central.reports.p90 on the tickets): the
        smallest second with that many durations up to it, by binary search."""
        if not self.n:
            return None
        rank = max(1, -(-9 * self.n // 10))
        parts = [p for p in self._all() if p]
        lo = min(p[0] >> SHIFT for p in parts)
        hi = max(p[-1] >> SHIFT for p in parts)
        while lo < hi:
            mid = (lo + hi) // 2
            if sum(_up_to(p, mid) for p in parts) >= rank:
                hi = mid
            else:
                lo = mid + 1
        return lo

    def mean(self) -> int | None:
        """The average in whole seconds, half up, from the exact sum."""
        if not self.n:
            return None
        return (2 * self.total_us + self.n * US) // (2 * self.n * US)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Times):
            return NotImplemented
        same = (self.n, self.total_us) == (other.n, other.total_us)
        return same and self.histogram() == other.histogram()

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Figures:
    """One queue's (or clerk's) tickets over some days."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    waits: Times = field(default_factory=Times)
    handles: Times = field(default_factory=Times)

    def merge(self, other: Figures) -> None:
        self.issued += other.issued
        self.served += other.served
        self.no_show += other.no_show
        self.waits.merge(other.waits)
        self.handles.merge(other.handles)


Day = dict[Key, Figures]
