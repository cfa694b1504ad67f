"""What the hall display board shows, without Textual: the latest call, the last calls (a
repeated call moves to the top), the zone filter and the waiting counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from client.display_models import Announcement
from client.models import QueueStats


def parse_windows(spec: str | None) -> list[tuple[int, int]]:
    """ "1-5,8" → [(1, 5), (8, 8)]; None or "": every window."""
    ranges = []
    for part in (spec or "").split(","):
        part = part.strip()
        if not part:
            continue
        low, _, high = part.partition("-")
        ranges.append((int(low), int(high or low)))
    return ranges


@dataclass
class Zone:
    queues: list[str] = field(default_factory=list)
    windows: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def of(cls, queues: str | None, windows: str | None) -> Zone:
        letters = [q.strip().upper() for q in (queues or "").split(",") if q.strip()]
        return cls(letters, parse_windows(windows))

    def takes(self, item: Announcement) -> bool:
        in_queue = not self.queues or item.queue in self.queues
        in_window = not self.windows or any(lo <= item.window_no <= hi for lo, hi in self.windows)
        return in_queue and in_window

    def shows_queue(self, prefix: str) -> bool:
        return not self.queues or prefix in self.queues


@dataclass
class Board:
    zone: Zone = field(default_factory=Zone)
    size: int = 8
    calls: list[Announcement] = field(default_factory=list)  # newest first
    waiting: list[QueueStats] = field(default_factory=list)
    repeated: str | None = None  # the ticket called again just now (highlighted)

    @property
    def latest(self) -> Announcement | None:
        return self.calls[0] if self.calls else None

    @property
    def recent(self) -> list[Announcement]:
        return self.calls[1 : self.size + 1]

    def take(self, item: Announcement) -> bool:
        """Add a call; False when it is outside this board's zone."""
        if not self.zone.takes(item):
            return False
        again = any(c.ticket == item.ticket for c in self.calls)
        self.calls = [item, *(c for c in self.calls if c.ticket != item.ticket)][: self.size + 1]
        self.repeated = item.ticket if again else None
        return True

    def set_waiting(self, stats: list[QueueStats]) -> None:
        self.waiting = [q for q in stats if self.zone.shows_queue(q.prefix)]
