"""What every request passes before the API reads it (an ASGI middleware, outermost but for
Starlette's own error guard):

1. Its source. X-Forwarded-For is believed only from the reverse proxies the hall lists in
   `Settings.trusted_proxies`: the client is the nearest address in the header that is not
   one of them. From anyone else the header is ignored, so the audit's source is the peer.
2. Its size. A body over `Settings.max_body_bytes` is answered 413 before it is read: by its
   Content-Length, or, when it is streamed without one, as soon as the bytes received pass the
   limit (what the app was given is dropped, and its answer replaced by the 413).
3. Its token. A request with a body needs a valid session before the body is read (only the
   login and a device's sign-in take a body without one), so an unknown caller cannot make
   the server read, hold or parse anything. The actor found is handed on to the route.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from central.auth import session_actor
from central.deps import ACTOR_KEY, DEVICE_COOKIE
from central.errors import ApiError, error_response
from central.store import Store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

# The only requests that carry a body without a session: they are how a session begins.
OPEN_WITH_BODY = frozenset({"/v1/auth/login", "/v1/devices/sign-in"})


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(text.strip(), strict=False)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class Gate:
    def __init__(self, app: App, store: Store) -> None:
        self.app = app
        self.store = store
        settings = store.settings
        self.max_body = settings.max_body_bytes
        self.proxies = trusted_proxies(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._source(scope)
        headers = _headers(scope)
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        streamed = "chunked" in headers.get("transfer-encoding", "").lower()
        if length in (None, "0") and not streamed:
            # No body to count (a GET, an event stream, call-next): the app talks to the
            # connection itself, with no wrapper on each message it sends (an event stream
            # sends one per batch of events, a thousand streams a thousand).
            await self.app(scope, receive, send)
            return
        if scope["path"] not in OPEN_WITH_BODY:
            try:
                actor, bearer = await self._actor(headers)
                if bearer:  # a cookie's actor is not handed on: routes that act need a bearer
                    scope.setdefault("state", {})[ACTOR_KEY] = actor
            except ApiError as refusal:
                response = error_response(
                    refusal.status,
                    refusal.code,
                    refusal.message,
                    refusal.fields,
                    reason=refusal.reason,
                    params=refusal.params,
                )
                await response(scope, receive, send)
                return
        await self._counted(scope, receive, send)

    # --- 1. the source ----------------------------------------------------------------------

    def _source(self, scope: Scope) -> None:
        take_source(scope, self.proxies)

    # --- 2. the size ------------------------------------------------------------------------

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        megabytes = self.max_body / (1024 * 1024)
        response = error_response(
            413,
            "too_large",
            f"The request body is larger than the central takes (at most {megabytes:g} MB).",
            reason="body_too_large",
            params={"megabytes": f"{megabytes:g}"},
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        received = 0
        over = False
        started = False

        async def limited() -> Message:
            nonlocal received, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    over = True  # stop here: the app sees the client gone, reads no more
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over and not started:
                return  # the app's answer to a body it never got whole: replaced below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, guarded)
        except Exception:
            if not over or started:
                raise
        if over and not started:
            await self._too_large(scope, receive, send)

    # --- 3. the token -----------------------------------------------------------------------

    async def _actor(self, headers: dict[str, str]) -> tuple[Any, bool]:
        """The session's actor (401 when there is none), and whether a bearer token named it
        (else a device page's cookie did)."""
        token = None
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            token = credentials.strip()
        bearer = token is not None
        if token is None:
            token = _cookie(headers.get("cookie", ""), DEVICE_COOKIE)
        return await session_actor(self.store, token), bearer


Proxies = list[ipaddress.IPv4Network | ipaddress.IPv6Network]


def trusted_proxies(listed: list[str]) -> Proxies:
    """The networks of the reverse proxies the hall lists (`Settings.trusted_proxies`)."""
    return [_network(p) for p in listed]


def _trusted(address: Any, proxies: Proxies) -> bool:
    return address is not None and any(address in net for net in proxies)


def take_source(scope: Scope, proxies: Proxies) -> None:
    """Rule 1: a trusted proxy's request names its client in X-Forwarded-For; `scope`'s client
    becomes the nearest address there that is not one of `proxies` (central.hot_front too)."""
    client = scope.get("client")
    if not proxies or not client or not _trusted(_address(str(client[0])), proxies):
        return
    forwarded = _headers(scope).get("x-forwarded-for")
    if not forwarded:
        return
    hops = [_address(hop) for hop in forwarded.split(",")]
    for hop in reversed(hops):  # the nearest hop first: the proxies append
        if hop is None:
            return  # a garbled header: keep the proxy's own address
        if not _trusted(hop, proxies):
            scope["client"] = (str(hop), 0)
            return


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None
