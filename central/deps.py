"""FastAPI dependencies shared by every router: the store, the acting staff member, roles.

Other routers (catalog, cases, ratings …) use these too:
    actor: Actor = Depends(current_actor)            # 401 without a valid token
    actor: Actor = Depends(require_roles("supervisor", "admin"))   # 403 for other roles

The dependencies are `async def` on purpose: FastAPI runs a plain `def` dependency in the
thread pool, one thread hop per dependency per request, which under load cost more than the
work they do. Only a token that is not in the session cache goes to a thread (a database read).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio.to_thread
from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from central.context import Actor, Ctx
from central.errors import Forbidden
from central.security import authenticate, cached_actor
from central.store import Store

bearer = HTTPBearer(auto_error=False, description="the token from POST /v1/auth/login")
# A hall device page's session (central.devices): honoured for reads only (GET/HEAD), so a
# cross-site form can never act with it; SameSite=Strict keeps it off other sites' requests.
DEVICE_COOKIE = "counter_device"


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def bearer_token(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> str | None:
    return credentials.credentials if credentials else None


async def current_actor(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    store: Store = Depends(get_store),
) -> Actor:
    token = credentials.credentials if credentials else None
    if token is None and request.method in ("GET", "HEAD"):
        token = request.cookies.get(DEVICE_COOKIE) or None
    actor = cached_actor(store, token)
    if actor is None:
        actor = await anyio.to_thread.run_sync(authenticate, store, token)
    return actor


def require_roles(*roles: str) -> Callable[..., Awaitable[Actor]]:
    async def _check(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.role not in roles:
            raise Forbidden(
                f"This needs the role {' or '.join(roles)}; you are {actor.role}.",
                reason="needs_role_you",
                params={"roles": " or ".join(roles), "role": actor.role},
            )
        return actor

    return _check


def make_ctx(request: Request, store: Store, actor: Actor | None) -> Ctx:
    source = request.client.host if request.client else None
    return Ctx(actor=actor, now=store.now(), hall=store.hall, source=source)


async def idempotency_key(
    key: str | None = Header(
        default=None,
        alias="Idempotency-Key",
        max_length=200,
        description="the same key on a retry returns the first answer; nothing happens twice",
    ),
) -> str | None:
    return key or None
