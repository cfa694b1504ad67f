"""The clerk's session at one window, without any UI: who, which window, which ticket, what applies.

The App owns one Session; workers fetch from the central API and post messages, and the message
handlers feed the answers in here. Screens read it and ask `can(action)` to grey out keys.
Kept free of Textual so the rules can be tested plainly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, get_args

from client.wire_words import WindowStatus

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.case_models import Case
    from client.models import Hall, QueuesResponse, QueueStats, Staff, Ticket, Window, WindowQueue

ConnectionState = Literal["connecting", "live", "polling", "offline"]

# Every action of the counter screen that depends on the window's state.
TicketAction = Literal[
    "call_next",
    "recall",
    "no_show",
    "start",
    "finish",
    "hold",
    "call_back",
    "transfer",
    "pause",
    "resume",
]
TICKET_ACTIONS: tuple[TicketAction, ...] = get_args(TicketAction)

# A ticket in one of these states is at the window in front of the clerk.
_AT_WINDOW = ("called", "serving")


@dataclass
class Session:
    staff: Staff | None = None
    token: str | None = None
    token_expires_at: datetime | None = None
    window_no: int | None = None
    window: Window | None = None
    hall: Hall | None = None
    # The API has no list of held tickets; the window remembers the ones it held.
    held: list[Ticket] = field(default_factory=list)
    # The case last taken at this window (F5): F9 on the same ticket prefills it.
    last_case: Case | None = None
    queues: list[QueueStats] = field(default_factory=list)
    queues_as_of: datetime | None = None
    connection: ConnectionState = "connecting"
    # Shown from the hall cache (counter.core.hall_cache), kept at this time: the figures are
    # not current until the central's answer replaces them (then None).
    cached_at: datetime | None = None

    # --- derived state ----------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        return self.staff is not None and self.token is not None

    @property
    def status(self) -> WindowStatus:
        return self.window.status if self.window is not None else "signed_off"

    @property
    def signed_on(self) -> bool:
        return self.signed_in and self.status != "signed_off"

    @property
    def paused(self) -> bool:
        return self.status == "paused"

    @property
    def current(self) -> Ticket | None:
        if self.window is None:
            return None
        ticket = self.window.current_ticket
        return ticket if ticket is not None and ticket.status in _AT_WINDOW else None

    @property
    def served_today(self) -> int:
        return self.window.served_today if self.window is not None else 0

    def can(self, action: str) -> bool:
        """Whether `action` applies now (the counter screen greys out the rest)."""
        if not self.signed_on:
            return False
        current = self.current
        status = current.status if current is not None else None
        if action in ("call_next", "call_named"):
            return current is None and not self.paused
        if action in ("recall", "no_show", "start"):
            return status == "called"
        if action in ("finish", "hold"):
            return status == "serving"
        if action == "transfer":
            return status in _AT_WINDOW
        if action == "call_back":
            return current is None and bool(self.held) and not self.paused
        if action == "pause":
            return current is None and not self.paused
        if action == "resume":
            return self.paused
        return True

    def hold_or_call_back(self) -> Literal["hold", "call_back"] | None:
        """F7 holds the ticket being served, or calls back the oldest held one."""
        if self.can("hold"):
            return "hold"
        if self.can("call_back"):
            return "call_back"
        return None

    def pause_or_resume(self) -> Literal["pause", "resume"] | None:
        if self.can("resume"):
            return "resume"
        if self.can("pause"):
            return "pause"
        return None

    def queue_name(self, prefix: str) -> str:
        if self.hall is not None:
            for queue in self.hall.queues:
                if queue.prefix == prefix:
                    return queue.name
        for stats in self.queues:
            if stats.prefix == prefix:
                return stats.name
        return prefix

    def window_queues(self) -> list[WindowQueue]:
        if self.window is None:
            return []
        return sorted(self.window.queues, key=lambda q: (q.priority, q.prefix))

    def other_windows(self) -> list[Window]:
        if self.hall is None:
            return []
        return [w for w in self.hall.windows if w.no != self.window_no]

    # --- feeding answers in ---------------------------------------------------------------------

    def signed_in_as(self, staff: Staff, token: str, expires_at: datetime | None = None) -> None:
        self.staff = staff
        self.token = token
        self.token_expires_at = expires_at

    def signed_out(self) -> None:
        """The token is gone; the window, its ticket and the held list stay for after re-login."""
        self.token = None
        self.token_expires_at = None

    def show_cached(
        self, staff: Staff, hall: Hall, window: Window, queues: QueuesResponse, at: datetime
    ) -> None:
        """The counter as last kept (views of the kept answers), until the central answers.
        No token yet: nothing applies (keys greyed) until the token check succeeds."""
        self.staff = staff
        self.hall = hall
        self.apply_window(window)
        self.apply_queues(queues)
        self.cached_at = at

    def settle_models(self) -> None:
        """The start's answers were read as views (client.wire_view): validate them into the
        wire models now that the screen is up (pydantic loads here). Raises pydantic's
        ValidationError for an answer that does not fit."""
        from client import models as wire
        from client.wire_view import WireView, as_model

        if not any(
            isinstance(part, WireView)
            for part in (self.staff, self.hall, self.window, *self.queues, *self.held)
        ):
            return
        if self.staff is not None:
            self.staff = as_model(wire.Staff, self.staff)
        if self.hall is not None:
            self.hall = as_model(wire.Hall, self.hall)
        if self.window is not None:
            self.window = as_model(wire.Window, self.window)
        self.queues = [as_model(wire.QueueStats, stats) for stats in self.queues]
        self.held = [as_model(wire.Ticket, ticket) for ticket in self.held]

    def apply_hall(self, hall: Hall) -> None:
        self.hall = hall

    def apply_window(self, window: Window) -> None:
        self.window = window
        self.window_no = window.no
        if window.held is not None:  # the central lists them: after a restart too
            self.held = list(window.held)

    def apply_queues(self, response: QueuesResponse) -> None:
        """Keep this window's queues only, in the window's priority order."""
        order = {q.prefix: i for i, q in enumerate(self.window_queues())}
        mine = [q for q in response.queues if q.prefix in order] if order else []
        self.queues = sorted(mine, key=lambda q: order[q.prefix])
        self.queues_as_of = response.as_of

    def apply_held(self, tickets: list[Ticket]) -> None:
        """The held tickets as re-fetched: drop those no longer held (e.g. by a supervisor)."""
        self.held = [t for t in tickets if t.status == "held"]

    def apply_ticket(self, ticket: Ticket) -> None:
        """An action's answer: put the ticket where it now belongs before the re-fetch lands."""
        self.held = [t for t in self.held if t.id != ticket.id]
        if ticket.status == "held":
            self.held.append(ticket)
        if self.window is None:
            return
        current: Ticket | None
        if ticket.status in _AT_WINDOW and ticket.window_no in (None, self.window.no):
            current = ticket
        elif self.window.current_ticket is not None and self.window.current_ticket.id == ticket.id:
            current = None
        else:
            current = self.window.current_ticket
        status: WindowStatus = self.window.status
        if status != "paused":
            if current is None:
                status = "idle"
            else:
                status = "calling" if current.status == "called" else "serving"
        served = self.window.served_today + (1 if ticket.status == "done" else 0)
        self.window = self.window.model_copy(
            update={"current_ticket": current, "status": status, "served_today": served}
        )

    # --- time -----------------------------------------------------------------------------------

    @staticmethod
    def waited_minutes(ticket: Ticket, now: datetime) -> int:
        """Minutes from issue to the call (or to now while it has not been called)."""
        until = ticket.called_at or now
        return max(0, int((until - ticket.issued_at).total_seconds() // 60))
