"""POST /v1/auth/login, POST /v1/auth/logout, GET /v1/me (the work is in central.auth)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from central import auth
from central.deps import BearerToken, CurrentActor, StoreDep, make_ctx
from central.errors import AUTHED, LOGIN
from client.models import LoginRequest, LoginResponse, Staff

router = APIRouter(prefix="/v1", tags=["auth"])


@router.post("/auth/login", response_model=LoginResponse, responses=LOGIN)
def login(body: LoginRequest, request: Request, store: StoreDep) -> LoginResponse:
    """Staff number + password → an expiring bearer token. 429 after repeated wrong passwords."""
    source = request.client.host if request.client else None
    return auth.login(store, body.staff_no, body.password, source)


@router.post("/auth/logout", status_code=204, response_class=Response, responses=AUTHED)
def logout(request: Request, actor: CurrentActor, token: BearerToken, store: StoreDep) -> Response:
    """End this session: the token stops working at once."""
    auth.logout(store, token or "", make_ctx(request, store, actor))
    return Response(status_code=204)


@router.get("/me", response_model=Staff, responses=AUTHED)
def me(actor: CurrentActor) -> Staff:
    return Staff(
        staff_no=actor.staff_no,
        name=actor.name,
        role=actor.role,
        department=actor.department,
        usual_window=actor.usual_window,
    )
