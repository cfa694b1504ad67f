"""The App's one live fan-out, and how a screen or widget subscribes to it.

Every event of the hall's live stream (`queue.changed`, `ticket.called`, `window.changed`,
`rating.received`, `escalation.changed`, the supervisor's alerts …) is published on the App's
`hall_events` signal; every change of the session (a ticket called, the queue figures
re-fetched, the connection state) on `session_changed`. Subscribing is one line, usually in
on_mount:

    def on_mount(self) -> None:
        hear_hall(self, self.hall_event)          # self.hall_event(event: Event) -> None
        hear_session(self, self.redraw)           # self.redraw() -> None

The callback runs on the subscriber's own message loop; a node that is removed (a screen
popped) stops hearing by itself. Events carry ids only: a subscriber filters the types it
cares about and re-fetches what it shows (DESIGN.md §3 "Live updates").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.dom import DOMNode

from screens.context import host

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.models import Event


def hear_hall(node: DOMNode, callback: Callable[[Event], object]) -> None:
    """`callback(event)` for every live hall event while `node` is mounted."""
    host(node.app).hall_events.subscribe(node, callback)


def hear_session(node: DOMNode, callback: Callable[[], object]) -> None:
    """`callback()` after every change of the session (what the counter shows)."""
    host(node.app).session_changed.subscribe(node, lambda _: callback())
