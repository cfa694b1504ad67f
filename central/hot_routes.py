"""The counter's body-less action keys (call-next and the ticket steps: no-show, recall, start,
finish …), the routes central.hot_front serves ahead of FastAPI: which requests they are, and
the step each runs.

Only a request with nothing unusual is one: a POST with no body, a whole-number id in the
route's range, one Authorization and one Idempotency-Key header at most, the key at most 200
characters. Anything else matches no hot route and goes on to the FastAPI route of the same
path, which answers exactly as before (422 for an id out of range, 413, …); the FastAPI routes
remain what /openapi.json describes, and run the same step."""

from __future__ import annotations

import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from central.idempotency import Step

KEY_MAX = 200  # Idempotency-Key's max_length in central.deps
_ID = "[0-9]{1,19}"


@dataclass(frozen=True)
class HotRoute:
    """POST `path` (one `{id}` placeholder) → `step_for(id)` for ids in [low, high]."""

    path: str
    step_for: Callable[[int], Step]
    low: int
    high: int


HOT: list[HotRoute] = []


def hot(path: str, step_for: Callable[[int], Step], low: int, high: int) -> None:
    """Serve the FastAPI route at `path`, whose step is `step_for(id)`, on the hot front too."""
    HOT.append(HotRoute(path, step_for, low, high))


@dataclass(frozen=True)
class Found:
    """A hot request: its route, its id, and the two headers it reads (raw, as sent)."""

    route: HotRoute
    id: int
    authorization: bytes | None
    key: bytes | None
    device: bool  # an X-Counter-Device header: the route may take a device page's cookie


class HotTable:
    """Every hot route in one regular expression: one match per POST, whatever their number."""

    def __init__(self, routes: list[HotRoute]) -> None:
        self.by_ends: dict[tuple[str, str], HotRoute] = {}
        for route in routes:
            before, _, after = re.sub(r"\{\w+\}", "\0", route.path).partition("\0")
            self.by_ends[before, after] = route
        befores = "|".join(sorted({re.escape(b) for b, _ in self.by_ends}, key=len, reverse=True))
        afters = "|".join(sorted({re.escape(a) for _, a in self.by_ends}, key=len, reverse=True))
        self.regex = re.compile(f"({befores})({_ID})({afters})")

    def match(self, scope: MutableMapping[str, Any]) -> Found | None:
        """The hot request `scope` is (already known to be an HTTP POST), or None."""
        found = self.regex.fullmatch(scope["path"])
        if found is None:
            return None
        route = self.by_ends.get((found[1], found[3]))
        number = int(found[2])
        if route is None or not route.low <= number <= route.high:
            return None  # FastAPI's route answers the 422
        authorization = key = None
        device = False
        for name, value in scope["headers"]:
            if name == b"authorization":
                if authorization is not None:
                    return None
                authorization = value
            elif name == b"idempotency-key":
                if key is not None or len(value) > KEY_MAX:  # latin-1: one byte a character
                    return None  # FastAPI's route reads the header (and answers the 422)
                key = value
            elif name == b"content-length":
                if value != b"0":
                    return None  # a body where none belongs: FastAPI's route says what
            elif name == b"transfer-encoding":
                return None
            elif name == b"x-counter-device":
                device = True
        return Found(route, number, authorization, key, device)
