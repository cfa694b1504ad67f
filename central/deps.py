"""FastAPI dependencies shared by every router: the store, the acting staff member, roles.

Other routers (catalog, cases, ratings …) use these too:
    actor: Actor = Depends(current_actor)            # 401 without a valid token
    actor: Actor = Depends(require_roles("supervisor", "admin"))   # 403 for other roles
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from central.context import Actor, Ctx
from central.errors import Forbidden
from central.security import authenticate
from central.store import Store

bearer = HTTPBearer(auto_error=False, description="the token from POST /v1/auth/login")


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def bearer_token(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> str | None:
    return credentials.credentials if credentials else None


def current_actor(
    token: str | None = Depends(bearer_token), store: Store = Depends(get_store)
) -> Actor:
    return authenticate(store, token)


def require_roles(*roles: str) -> Callable[..., Actor]:
    def _check(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.role not in roles:
            raise Forbidden(f"This needs the role {' or '.join(roles)}; you are {actor.role}.")
        return actor

    return _check


def make_ctx(request: Request, store: Store, actor: Actor | None) -> Ctx:
    source = request.client.host if request.client else None
    return Ctx(actor=actor, now=store.now(), hall=store.hall, source=source)


def idempotency_key(
    key: str | None = Header(
        default=None,
        alias="Idempotency-Key",
        max_length=200,
        description="the same key on a retry returns the first answer; nothing happens twice",
    ),
) -> str | None:
    return key or None
