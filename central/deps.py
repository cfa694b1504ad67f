"""FastAPI dependencies shared by every router, as `Annotated` aliases a route names once:

    def route(actor: CurrentActor, store: StoreDep) -> …        # 401 without a valid token
    def route(actor: Supervisor, ref: Reference) -> …           # 403 for other roles
    def route(body: X, act: Idempotent) -> Response:            # a POST that acts
        return act(body, lambda conn, ctx: engine.step(conn, ctx, …))
    async def route(act: Idempotent) -> Response:               # … on the writer thread
        return await act.on_writer(None, lambda conn, ctx: engine.step(conn, ctx, …))

`Idempotent` gathers the request, the store, the acting staff member and the Idempotency-Key,
and runs a step once per key (see central.idempotency). A route that also needs a role names
the role's alias too (the actor is then looked up twice: a dictionary read once cached).

The dependencies are `async def` on purpose: FastAPI runs a plain `def` dependency in the
thread pool, one thread hop per dependency per request, which under load cost more than the
work they do. Only a token that is not in the session cache goes to a thread (a database read).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from central import idempotency
from central.auth import session_actor
from central.context import Actor, Ctx
from central.errors import Forbidden
from central.reference import HallReference, get_reference
from central.store import Store

bearer = HTTPBearer(auto_error=False, description="the token from POST /v1/auth/login")
# A hall device page's session (central.devices): honoured for reads (GET/HEAD), and for a
# write only with the DEVICE_WRITE header (a kiosk issuing a ticket, a pad posting a rating).
# A cross-site form cannot set a header, and a cross-site script that sets one needs a CORS
# preflight this server never grants; SameSite=Strict keeps the cookie off other sites anyway.
DEVICE_COOKIE = "counter_device"
DEVICE_WRITE = "X-Counter-Device"
# The actor central.gate found for a request with a body (it checks the token before the body
# is read); the route takes it from there instead of asking again.
ACTOR_KEY = "counter_actor"


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]
Reference = Annotated[HallReference, Depends(get_reference)]


async def bearer_token(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> str | None:
    return credentials.credentials if credentials else None


BearerToken = Annotated["str | None", Depends(bearer_token)]


async def _actor(request: Request, store: Store, token: str | None) -> Actor:
    checked: Actor | None = request.scope.get("state", {}).get(ACTOR_KEY)
    if checked is not None:
        return checked
    if token is None and (
        request.method in ("GET", "HEAD") or request.headers.get(DEVICE_WRITE) == "1"
    ):
        token = request.cookies.get(DEVICE_COOKIE) or None
    return await session_actor(store, token)


async def current_actor(request: Request, store: StoreDep, token: BearerToken) -> Actor:
    return await _actor(request, store, token)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require_roles(*roles: str) -> Callable[..., Awaitable[Actor]]:
    async def _check(actor: CurrentActor) -> Actor:
        if actor.role not in roles:
            raise Forbidden(
                f"This needs the role {' or '.join(roles)}; you are {actor.role}.",
                reason="needs_role_you",
                params={"roles": " or ".join(roles), "role": actor.role},
            )
        return actor

    return _check


# The role sets routes ask for (403 for anyone else): supervisors and admins; those who serve
# citizens at a desk (take cases, register escalations); all the hall's staff but devices.
Supervisor = Annotated[Actor, Depends(require_roles("supervisor", "admin"))]
DeskStaff = Annotated[Actor, Depends(require_roles("clerk", "supervisor"))]
HallStaff = Annotated[Actor, Depends(require_roles("clerk", "supervisor", "admin"))]


def make_ctx(request: Request, store: Store, actor: Actor) -> Ctx:
    return ctx_for(store, actor, request.client.host if request.client else None)


def ctx_for(store: Store, actor: Actor, source: str | None) -> Ctx:
    """A request's context: who, now, the hall, where from (the hot front has no Request)."""
    return Ctx(actor=actor, now=store.now(), hall=store.hall, source=source)


@dataclass
class IdempotentRun:
    """A POST route's work, ready to run: call it with the request body and the step."""

    request: Request
    store: Store
    actor: Actor
    key: str | None

    def __call__(
        self, body: BaseModel | None, step: idempotency.Step, *, status: int = 200
    ) -> Response:
        """`step` once per Idempotency-Key, answered with the model it returns (with `status`),
        or 204 with no body when it returns None (nothing to do)."""
        ctx = make_ctx(self.request, self.store, self.actor)
        work = idempotency.post(ctx, self.key, self.request.url.path, body, step, status=status)
        return idempotency.perform(self.store, work)

    async def on_writer(
        self, body: BaseModel | None, step: idempotency.Step, *, status: int = 200
    ) -> Response:
        """The same from an `async def` route: the step runs on the store's writer
        (the counter's hot path: call-next and the ticket steps)."""
        ctx = make_ctx(self.request, self.store, self.actor)
        work = idempotency.post(ctx, self.key, self.request.url.path, body, step, status=status)
        return await idempotency.perform_on_writer(self.store, work)


async def idempotent(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    key: str | None = Header(
        default=None,
        alias="Idempotency-Key",
        max_length=200,
        description="the same key on a retry returns the first answer; nothing happens twice",
    ),
) -> IdempotentRun:
    # One dependency with the header and the token as its own parameters (the OpenAPI
    # document is the same): each nested dependency cost FastAPI more per request than the
    # call-next it led to.
    store: Store = request.app.state.store
    token = credentials.credentials if credentials else None
    return IdempotentRun(request, store, await _actor(request, store, token), key or None)


Idempotent = Annotated[IdempotentRun, Depends(idempotent)]
