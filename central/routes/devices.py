"""Device sessions for the hall's pages: sign in (cookie), who am I, sign out, and a supervisor
signing a device out everywhere (a stolen TV box, a display moved to another hall)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from central import auth, devices
from central.context import Actor
from central.deps import StoreDep, Supervisor, make_ctx
from central.errors import AUTHED, LOGIN, _err
from client.display_models import DeviceSession, DeviceSignIn

router = APIRouter(prefix="/v1/devices", tags=["devices"])

Device = Annotated[Actor, Depends(devices.require_device)]


@router.post("/sign-in", response_model=DeviceSession, responses={**LOGIN, **_err(403)})
def sign_in(
    body: DeviceSignIn, request: Request, response: Response, store: StoreDep
) -> DeviceSession:
    """A hall device's page signs in with its device account; the session travels in an
    HttpOnly cookie (never in the URL). 403 for a person's account or another kind of device."""
    source = request.client.host if request.client else None
    token, session = devices.sign_in(store, body, source)
    devices.set_cookie(response, request, token, store.settings.device_session_ttl_s)
    return session


@router.get("/me", response_model=DeviceSession, responses=AUTHED)
def me(request: Request, actor: Device, store: StoreDep) -> DeviceSession:
    """The device signed in on this page (401: show the sign-in form)."""
    return devices.describe(store, actor, devices.device_token(request))


@router.post("/sign-out", status_code=204, response_class=Response, responses=AUTHED)
def sign_out(request: Request, actor: Device, store: StoreDep) -> Response:
    """End this page's device session: the cookie stops working at once."""
    token = devices.device_token(request) or ""
    auth.logout(store, token, make_ctx(request, store, actor))
    response = Response(status_code=204)
    devices.clear_cookie(response)
    return response


@router.post("/{staff_no}/sign-out", status_code=204, response_class=Response, responses=AUTHED)
def sign_out_everywhere(
    request: Request,
    actor: Supervisor,
    store: StoreDep,
    staff_no: str = Path(min_length=1, max_length=32),
) -> Response:
    """Revoke every session of a device account (supervisor): its pages show the sign-in."""
    devices.sign_out_device(store, make_ctx(request, store, actor), staff_no)
    return Response(status_code=204)
