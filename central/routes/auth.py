"""POST /v1/auth/login, POST /v1/auth/logout, GET /v1/me."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from central import security
from central.context import Actor
from central.deps import bearer_token, current_actor, get_store, make_ctx
from central.errors import AUTHED, LOGIN
from central.store import Store
from client.models import LoginRequest, LoginResponse, Staff

router = APIRouter(prefix="/v1", tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse, responses=LOGIN)
def login(body: LoginRequest, request: Request, store: Store = Depends(get_store)) -> LoginResponse:
    """Staff number + password → an expiring bearer token. 429 after repeated wrong passwords."""
    source = request.client.host if request.client else None
    return security.login(store, body.staff_no, body.password, source)


@router.post("/auth/logout", status_code=204, response_class=Response, responses=AUTHED)
def logout(
    request: Request,
    actor: Actor = Depends(current_actor),
    token: str | None = Depends(bearer_token),
    store: Store = Depends(get_store),
) -> Response:
    """End this session: the token stops working at once."""
    security.logout(store, token or "", make_ctx(request, store, actor))
    return Response(status_code=204)


@router.get("/me", response_model=Staff, responses=AUTHED)
def me(actor: Actor = Depends(current_actor)) -> Staff:
    return Staff(
        staff_no=actor.staff_no,
        name=actor.name,
        role=actor.role,
        department=actor.department,
        usual_window=actor.usual_window,
    )
