"""The hot front: the counter's action keys (central.hot_routes) answered by a plain ASGI
callable in front of FastAPI, outside its middleware stack.

Under a burst of call-nexts the HTTP side of a request cost as much as its write: six
middleware layers (Starlette's error guard, FastAPI's telemetry and body-limit layers, our
Gate, the exception handlers, the exit stack), then a Request object, the bearer dependency
and a Response object, each doing general work a hot request does not need. The front does,
for a hot request only, what that stack would have done for it, through the same functions:

- the Gate's rules (central.gate): the source from X-Forwarded-For of a trusted proxy
  (`take_source`); a hot request has no body, so the size and token-before-body rules have
  nothing to refuse (a request with a body is not hot and meets the Gate as before);
- the token as the route's dependency reads it (the first bearer; the session cache first,
  the database in a thread only when the cache does not know it);
- the step the FastAPI route runs, with the same Idempotency-Key handling
  (central.idempotency), and its answer sent as the two ASGI messages Starlette's Response
  would send (the same status, content-length and content-type, the same bytes);
- a refusal or a failure answered by the app's own exception handlers (central.errors),
  looked up as Starlette's exception layer does; an exception no handler takes is answered by
  the app's 500 handler and raised again, as Starlette's error guard does (the server logs it
  and closes the connection).

Everything else — every GET, every request with a body, a hot path with anything unusual, a
device page's cookie — goes to the full app exactly as before. With FastAPI's OpenTelemetry
support switched on (a tracer, meter or logger provider configured at the first request), or
a middleware added beside the Gate, the front stands aside: every request meets them.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI
from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from central import idempotency
from central.auth import session_actor
from central.deps import ctx_for
from central.gate import Gate, take_source, trusted_proxies
from central.hot_routes import HOT, Found, HotTable
from central.store import Store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[[Request, Exception], Any]

_JSON = (b"content-type", b"application/json")


def _lookup(handlers: dict[Any, Handler], exc: Exception) -> Handler | None:
    """The handler of the nearest class of `exc` (as Starlette's exception layer finds it)."""
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None


class HotFront:
    """What a hot request needs of the app, gathered once at its first request."""

    def __init__(self, app: FastAPI, store: Store) -> None:
        self.app = app
        self.store = store
        self.table = HotTable(HOT)
        self.proxies = trusted_proxies(store.settings.trusted_proxies)
        # The app's handlers split as FastAPI's middleware stack splits them: 500/Exception to
        # the outer error guard, the rest (by class, or an HTTPException's status) inside it.
        self.error_handler: Handler | None = None
        self.handlers: dict[Any, Handler] = {}
        self.status_handlers: dict[int, Handler] = {}
        for key, value in app.exception_handlers.items():
            if key in (500, Exception):
                self.error_handler = value
            elif isinstance(key, int):
                self.status_handlers[key] = value
            else:
                self.handlers[key] = value
        # FastAPI's own telemetry wraps every request when a provider is configured, and a
        # middleware added beside the Gate does what the front cannot know: stand aside.
        # (An older FastAPI has no telemetry of its own: nothing to stand aside for.)
        only_gate = [m.cls for m in app.user_middleware] == [Gate]  # type: ignore[comparison-overlap]
        telemetry = getattr(app, "_native_telemetry", None)
        self.open = only_gate and (telemetry is None or not telemetry.enabled())

    def take(self, scope: Scope) -> tuple[Found, str | None] | None:
        """The hot request `scope` is (an HTTP POST) and its bearer token, or None."""
        if not self.open or scope.get("root_path"):
            return None
        found = self.table.match(scope)
        if found is None:
            return None
        token = None
        if found.authorization:
            scheme, credentials = get_authorization_scheme_param(
                found.authorization.decode("latin-1")
            )
            if scheme and credentials and scheme.lower() == "bearer":
                token = credentials
        if token is None and found.device:
            return None  # a device page's cookie may stand for the token: the full app reads it
        return found, token

    async def serve(
        self, found: Found, token: str | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        store = self.store
        try:
            take_source(scope, self.proxies)
            actor = await session_actor(store, token)
            client = scope.get("client")
            ctx = ctx_for(store, actor, str(client[0]) if client is not None else None)
            key = found.key.decode("latin-1") if found.key else None
            step = found.route.step_for(found.id)
            work = idempotency.post(ctx, key, scope["path"], None, step)
            status, body = await idempotency.outcome_on_writer(store, work)
        except Exception as exc:
            await self.refuse(exc, scope, receive, send)
            return
        data = body.encode("utf-8")
        if data:
            headers = [(b"content-length", str(len(data)).encode("latin-1")), _JSON]
        elif status < 200 or status in (204, 304):
            headers = []
        else:
            headers = [(b"content-length", b"0")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    async def refuse(self, exc: Exception, scope: Scope, receive: Receive, send: Send) -> None:
        """`exc` answered as the app's exception layers answer it (never on the hot path's
        way to a success: here a Request object costs nothing worth saving)."""
        scope["app"] = self.app  # what Starlette sets, for a handler that asks request.app
        request = Request(scope, receive)
        handler = None
        if isinstance(exc, HTTPException):
            handler = self.status_handlers.get(exc.status_code)
        handler = handler or _lookup(self.handlers, exc)
        if handler is not None:
            await (await _call(handler, request, exc))(scope, receive, send)
            exc.__traceback__ = None  # as Starlette does: kept instances collect tracebacks
            return
        if self.error_handler is not None:
            await (await _call(self.error_handler, request, exc))(scope, receive, send)
        else:  # (the central always has one: central.errors)
            await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)
        raise exc


async def _call(handler: Handler, request: Request, exc: Exception) -> Any:
    """A handler's response, as Starlette calls it: awaited, or a plain one in a thread."""
    if inspect.iscoroutinefunction(handler):
        return await handler(request, exc)
    return await run_in_threadpool(handler, request, exc)


class CentralApp(FastAPI):
    """The central's FastAPI app with the hot front before it (uvicorn, `counter demo` and the
    tests' ASGI transports all call this)."""

    front: HotFront | None = None
    hot_front = True  # False: every request through the full app (Settings.hot_front)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and self.hot_front:
            front = self.front
            if front is None:
                front = self.front = HotFront(self, self.state.store)
            taken = front.take(scope)
            if taken is not None:
                await front.serve(*taken, scope, receive, send)
                return
        await super().__call__(scope, receive, send)
