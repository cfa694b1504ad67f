"""Device sessions for the hall's browser pages (display board, ticket kiosk, rating pad).

A page signs in with its device account (`POST /v1/devices/sign-in`) and gets an HttpOnly,
SameSite=Strict cookie holding a session token: EventSource cannot send an Authorization
header, and a token in the URL would land in logs. The token is a row of the same `sessions`
table as staff tokens (stored as its sha256), so the server revokes it like any other: the
device's own sign-out, or a supervisor signing the device out everywhere.

The cookie is accepted for reads (GET/HEAD), and for writes only with the X-Counter-Device
header (central.deps.current_actor): the kiosk issuing a ticket and the pad posting a rating
send it (device.js `send`); a cross-site form cannot. A person's account never signs a device in.

Reuse for another page:  `Depends(device_page("kiosk"))` on its routes, `kind: "kiosk"` in the
sign-in body, and central/static/device.js for the sign-in form and the session check.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio.to_thread
from fastapi import Depends, Request, Response
from sqlalchemy import select, update

from central import audit, auth
from central.context import Actor, Ctx
from central.deps import DEVICE_COOKIE, current_actor, get_store
from central.errors import Forbidden, Unauthorized
from central.schema import sessions, staff
from central.store import Store
from client.display_models import DeviceSession, DeviceSignIn

PERSON_REFUSED = (
    "A person's account cannot sign in a hall device; use the device's own account "
    "(for example display01)."
)


def _revoke_token(store: Store, token: str, source: str | None) -> None:
    actor = auth.authenticate(store, token)
    auth.logout(store, token, Ctx(actor=actor, now=store.now(), hall=store.hall, source=source))


def sign_in(store: Store, body: DeviceSignIn, source: str | None) -> tuple[str, DeviceSession]:
    """A device session token (for the cookie) and what the page shows about it.

    The staff login does the checking (argon2, attempt limits, audit); a person's account or
    another kind of device is signed out again at once and refused."""
    answer = auth.login(store, body.staff_no, body.password, source)
    actor = auth.authenticate(store, answer.token)
    if actor.role != "device":
        _revoke_token(store, answer.token, source)
        raise Forbidden(PERSON_REFUSED, reason="person_cannot_sign_in_device")
    if body.kind is not None and actor.device_kind != body.kind:
        _revoke_token(store, answer.token, source)
        raise Forbidden(
            f"{actor.staff_no} is a {actor.device_kind or 'device'} account; "
            f"this page needs a {body.kind} account.",
            reason="page_needs_other_device",
            params={
                "staff_no": actor.staff_no,
                "device_kind": actor.device_kind,
                "kind": body.kind,
            },
        )
    return answer.token, _session(store, actor, answer.expires_at)  # the device ttl (auth.login)


def _session(store: Store, actor: Actor, expires: object) -> DeviceSession:
    return DeviceSession(
        staff_no=actor.staff_no,
        name=actor.name,
        kind=actor.device_kind,
        hall=store.hall,
        expires_at=expires,
    )


def describe(store: Store, actor: Actor, token: str | None) -> DeviceSession:
    expires = None
    if token:
        with store.read() as conn:
            expires = conn.execute(
                select(sessions.c.expires_at).where(sessions.c.token_hash == auth.token_hash(token))
            ).scalar()
    return _session(store, actor, expires)


def set_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response) -> None:
    response.delete_cookie(DEVICE_COOKIE, path="/", httponly=True, samesite="strict")


def sign_out_device(store: Store, ctx: Ctx, staff_no: str) -> int:
    """Revoke every session of one device account (a supervisor's act); how many were open."""
    with store.write() as conn:
        row = conn.execute(select(staff.c.role).where(staff.c.staff_no == staff_no)).first()
        if row is None or row.role != "device":
            raise Forbidden(
                f"{staff_no} is not a device account.",
                reason="not_device_account",
                params={"staff_no": staff_no},
            )
        open_ = sessions.c.revoked_at.is_(None)
        digests = list(
            conn.execute(
                select(sessions.c.token_hash).where(sessions.c.staff_no == staff_no, open_)
            ).scalars()
        )
        conn.execute(
            update(sessions)
            .where(sessions.c.staff_no == staff_no, open_)
            .values(revoked_at=ctx.now)
        )
        audit.record(
            conn, ctx, "device.signed_out", "staff", staff_no,
            before={"open_sessions": len(digests)}, after={"open_sessions": 0},
        )  # fmt: skip
    for digest in digests:  # after the commit: no request may re-cache them
        store.sessions_seen[digest] = auth._Seen(time.monotonic(), None, None)
    return len(digests)


def device_token(request: Request) -> str | None:
    return request.cookies.get(DEVICE_COOKIE) or None


async def require_device(request: Request, store: Store = Depends(get_store)) -> Actor:
    """The device behind the page's cookie: 401 without one, or for a person's session."""
    token = device_token(request)
    if token is None:
        raise Unauthorized("This device is not signed in.", reason="device_not_signed_in")
    actor = auth.cached_actor(store, token)
    if actor is None:
        actor = await anyio.to_thread.run_sync(auth.authenticate, store, token)
    if actor.role != "device":
        raise Unauthorized("This device is not signed in.", reason="device_not_signed_in")
    return actor


def device_page(kind: str) -> Callable[..., Awaitable[Actor]]:
    """A page's reads by a device of this kind (or by staff): 403 for another kind of device."""

    async def _check(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.role == "device" and actor.device_kind not in (None, kind):
            raise Forbidden(
                f"This needs a {kind} device; you are a {actor.device_kind}.",
                reason="needs_other_device",
                params={"kind": kind, "device_kind": actor.device_kind},
            )
        return actor

    return _check
