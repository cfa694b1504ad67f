"""The words of the wire format that are plain Python: the Literal types of states and kinds,
and the rating levels. The terminal's screens use them at run time (a pause reason's choices,
a tally's bars) without loading the wire models (pydantic) before their first answer;
client.models and client.rating_models take them from here.
"""

from __future__ import annotations

from typing import Literal

Role = Literal["clerk", "supervisor", "device", "admin"]
TicketKind = Literal["walk_in", "appointment", "green"]
# waiting ─call→ called ─start→ serving ─finish→ done; see DESIGN.md §2 for the whole machine.
TicketStatus = Literal["waiting", "called", "serving", "held", "done", "missed", "cancelled"]
WindowStatus = Literal["signed_off", "idle", "calling", "serving", "paused"]
PauseReason = Literal["break", "training", "system_fault", "other"]
EventType = Literal[
    "queue.changed",
    "ticket.called",
    "window.changed",
    "rating.received",
    "escalation.changed",
    "alert.raised",
    "alert.changed",
    "callback.changed",
]

# Rating levels: 非常满意 5 … 非常不满意 1; 2 and 1 are 差评 (client.rating_models).
LEVELS: tuple[int, ...] = (5, 4, 3, 2, 1)
BAD_LEVELS: tuple[int, ...] = (2, 1)
SATISFIED_LEVELS: tuple[int, ...] = (5, 4, 3)
