"""One shape for every state machine of the hall: tickets, escalations and the 差评 review.

Each is a table `step → Transition(start, to, words)`, declared once; the server enforces it
and the terminal greys out keys by it. A refusal names the step in `words` ("Ticket A001 is
done; only a called ticket can be recalled.").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

S = TypeVar("S", bound=str)


@dataclass(frozen=True)
class Transition(Generic[S]):
    start: tuple[S, ...]  # the states the step may start from
    to: S | None  # the state it leads to; None: decided by the step (a verdict) or unchanged
    words: str  # the step in a sentence: "… can be <words>"


def allows(table: Mapping[str, Transition[S]], step: str, state: str | None) -> bool:
    """Whether `step` may start from `state` (False for a step the table does not know)."""
    found = table.get(step)
    return found is not None and state in found.start


def either(states: tuple[str, ...]) -> str:
    """States for a sentence: "registered, assigned or in progress"."""
    names = [s.replace("_", " ") for s in states]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
