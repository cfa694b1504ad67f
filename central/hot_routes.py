"""The counter's body-less action keys (call-next, no-show, recall, start, finish …) served
without FastAPI's per-request machinery: the same endpoint function, handed what its
`Idempotent` dependency would have built, but with no router walk over the API's hundred
routes and no dependency solving (together a third of a call-next's server CPU in a burst).

Only a request with nothing unusual is taken here: a POST with no body, a whole-number id in
the route's range, an Idempotency-Key of at most 200 characters. Anything else matches no hot
route and goes on to the FastAPI route of the same path, which answers exactly as before (422
for an id out of range, 413, 401, …); the FastAPI routes also remain what /openapi.json
describes. An exception raised by the endpoint is answered by the app's handlers as for any
route (central.errors)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from central.deps import IdempotentRun, _actor, bearer

# The endpoint of a hot route: (the run its Idempotent dependency gives, the path's id).
Endpoint = Callable[[IdempotentRun, int], Awaitable[Response]]
KEY_MAX = 200  # Idempotency-Key's max_length in central.deps
_BODY = (b"content-length", b"transfer-encoding")


class HotRoute(BaseRoute):
    """POST `path` (one `{id}` placeholder) → `endpoint(run, id)` for ids in [low, high]."""

    def __init__(self, path: str, endpoint: Endpoint, low: int, high: int) -> None:
        before, _, after = re.sub(r"\{\w+\}", "\0", path).partition("\0")
        self.path = path
        self.regex = re.compile(f"{re.escape(before)}([0-9]{{1,19}}){re.escape(after)}")
        self.endpoint, self.low, self.high = endpoint, low, high

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "POST":
            return Match.NONE, {}
        found = self.regex.fullmatch(scope["path"])
        if found is None or not self.low <= int(found[1]) <= self.high:
            return Match.NONE, {}
        for name, value in scope["headers"]:
            if name in _BODY and value != b"0":
                return Match.NONE, {}  # a body where none belongs: FastAPI's route says what
            if name == b"idempotency-key" and len(value.decode("latin-1")) > KEY_MAX:
                return Match.NONE, {}  # FastAPI's route answers the 422
        return Match.FULL, {"hot_id": int(found[1])}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        store = request.app.state.store
        credentials = await bearer(request)
        actor = await _actor(request, store, credentials.credentials if credentials else None)
        key = request.headers.get("idempotency-key") or None
        response = await self.endpoint(IdempotentRun(request, store, actor, key), scope["hot_id"])
        await response(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        from starlette.routing import NoMatchFound

        raise NoMatchFound(name, path_params)


HOT: list[HotRoute] = []


def hot(path: str, endpoint: Endpoint, low: int, high: int) -> None:
    """Serve `endpoint` (already a FastAPI route at `path`) on the hot path too."""
    HOT.append(HotRoute(path, endpoint, low, high))


def install(app: FastAPI) -> None:
    """Put the hot routes first: the router tries them before the API's own."""
    app.router.routes[0:0] = HOT
