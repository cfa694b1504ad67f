"""Staff login: argon2 password hashes, expiring bearer tokens (kept as sha256), attempt limits."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, insert, select, update

from central import audit, login_limits
from central.context import Actor, Ctx, SystemCtx
from central.errors import Unauthorized, require_text
from central.schema import departments, sessions, staff
from central.store import Store
from client.models import LoginResponse, Staff

BAD_LOGIN = "Wrong staff number or password."
# How long an authenticated token is answered from memory before the database is asked again.
# Expiry is still checked exactly on every request and logout here drops the entry at once; only a
# logout through *another* server process sharing the database can take this long to be seen.
SESSION_CACHE_S = 10.0
SESSION_CACHE_MAX = 10_000

_STAFF_ROW = (
    select(staff, departments.c.name.label("department_name"))
    .select_from(staff.outerjoin(departments, departments.c.code == staff.c.department_code))
    .where(staff.c.staff_no == bindparam("staff_no"))
)
# The session and its staff member in one read.
_SESSION = (
    select(
        sessions.c.expires_at,
        sessions.c.revoked_at,
        staff,
        departments.c.name.label("department_name"),
    )
    .select_from(
        sessions.outerjoin(staff, staff.c.staff_no == sessions.c.staff_no).outerjoin(
            departments, departments.c.code == staff.c.department_code
        )
    )
    .where(sessions.c.token_hash == bindparam("token_hash"))
)


class _Seen(NamedTuple):
    """A session as last read: when (monotonic), until when it is valid, and whose it is.
    actor None: revoked (a logout in this process)."""

    read_at: float
    expires_at: datetime | None
    actor: Actor | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _staff_row(conn: Any, staff_no: str) -> Any:
    return conn.execute(_STAFF_ROW, {"staff_no": staff_no}).first()


def staff_model(row: Any) -> Staff:
    return Staff(
        staff_no=row.staff_no,
        name=row.name,
        role=row.role,
        department=row.department_name,
        usual_window=row.usual_window,
    )


def actor_of(row: Any) -> Actor:
    return Actor(
        staff_no=row.staff_no,
        name=row.name,
        role=row.role,
        department=row.department_name,
        device_kind=row.device_kind,
        usual_window=row.usual_window,
    )


def login(store: Store, staff_no: str, password: str, source: str | None) -> LoginResponse:
    staff_no = require_text("staff_no", staff_no).strip()
    require_text("password", password)
    settings = store.settings
    now = store.now()
    key, where = staff_no[:64], (source or "")[:64]
    # Counted and reserved in one write transaction (see central.login_limits): at most the
    # limit is ever checked, however many attempts arrive at once.
    with store.write() as conn:
        counts = login_limits.reserve(conn, settings, key, where, now)
        row = _staff_row(conn, staff_no)
    # The slow hash runs outside any transaction; an unknown number costs the same time.
    ok = _verify(store, row.password_hash if row is not None and row.active else None, password)
    if not ok:
        with store.write() as conn:  # the reserved row stays: it is this failure
            failed = SystemCtx(now=now, hall=store.hall, source=source)
            login_limits.audit_failure(conn, failed, settings, key, counts)
        raise Unauthorized(BAD_LOGIN, reason="bad_login")
    ctx = Ctx(actor=actor_of(row), now=now, hall=store.hall, source=source)
    with store.write() as conn:
        login_limits.cleared(conn, key)
        token = secrets.token_urlsafe(32)
        # Hall devices (display, kiosk, pad) run unattended for weeks: their own, longer ttl.
        ttl = settings.device_session_ttl_s if row.role == "device" else settings.token_ttl_s
        expires = now + timedelta(seconds=ttl)
        conn.execute(
            insert(sessions).values(
                token_hash=token_hash(token),
                staff_no=row.staff_no,
                created_at=now,
                expires_at=expires,
            )
        )
        audit.record(conn, ctx, "auth.login", "staff", row.staff_no, before=None, after=None)
    return LoginResponse(token=token, expires_at=expires, staff=staff_model(row))


def _verify(store: Store, stored_hash: str | None, password: str) -> bool:
    try:
        if stored_hash is None:
            store.hasher.hash(password)  # same cost as a real check: no user enumeration by timing
            return False
        return bool(store.hasher.verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _remembered(store: Store, digest: str, now: datetime) -> Actor | None:
    """The actor for a token hash from the session cache, None when not cached (or stale);
    401 for a cached session that has expired or was logged out."""
    seen: _Seen | None = store.sessions_seen.get(digest)
    if seen is None:
        return None
    if time.monotonic() - seen.read_at >= SESSION_CACHE_S:
        store.sessions_seen.pop(digest, None)
        return None
    if seen.actor is None:
        raise Unauthorized(
            "Your session is not valid; log in again.", reason="your_session_not_valid_log"
        )
    if seen.expires_at is not None and seen.expires_at <= now:
        raise Unauthorized(
            "Your session has expired; log in again.", reason="your_session_expired_log_again"
        )
    return seen.actor


def cached_actor(store: Store, token: str | None) -> Actor | None:
    """The staff member behind a bearer token when memory knows, without touching the
    database; None means "ask authenticate()". Raises 401 like authenticate()."""
    if not token:
        raise Unauthorized(
            "Log in first: this needs a bearer token.", reason="log_needs_bearer_token"
        )
    return _remembered(store, token_hash(token), store.now())


async def session_actor(store: Store, token: str | None) -> Actor:
    """authenticate() from a request's event loop: memory first, the database (in a worker
    thread) only when memory does not know the token."""
    import anyio.to_thread

    actor = cached_actor(store, token)
    if actor is None:
        actor = await anyio.to_thread.run_sync(authenticate, store, token)
    return actor


def authenticate(store: Store, token: str | None) -> Actor:
    """The staff member behind a bearer token, or 401."""
    if not token:
        raise Unauthorized(
            "Log in first: this needs a bearer token.", reason="log_needs_bearer_token"
        )
    digest = token_hash(token)
    now = store.now()
    actor = _remembered(store, digest, now)
    if actor is not None:
        return actor
    read_at = time.monotonic()
    with store.read() as conn:
        found = conn.execute(_SESSION, {"token_hash": digest}).first()
    if found is None or found.revoked_at is not None:
        raise Unauthorized(
            "Your session is not valid; log in again.", reason="your_session_not_valid_log"
        )
    if found.expires_at <= now:
        raise Unauthorized(
            "Your session has expired; log in again.", reason="your_session_expired_log_again"
        )
    if found.staff_no is None or not found.active:
        raise Unauthorized("This account is no longer active.", reason="account_no_longer_active")
    actor = actor_of(found)
    seen = store.sessions_seen
    if len(seen) >= SESSION_CACHE_MAX:
        seen.clear()
    # setdefault: a logout that committed meanwhile left a tombstone, which must win.
    seen.setdefault(digest, _Seen(read_at, found.expires_at, actor))
    return actor


def logout(store: Store, token: str, ctx: Ctx) -> None:
    digest = token_hash(token)
    with store.write() as conn:
        conn.execute(
            update(sessions)
            .where(sessions.c.token_hash == digest, sessions.c.revoked_at.is_(None))
            .values(revoked_at=ctx.now)
        )
        audit.record(conn, ctx, "auth.logout", "staff", ctx.actor.staff_no, before=None, after=None)
    # After the commit, so a request that read the session just before cannot re-cache it.
    store.sessions_seen[digest] = _Seen(time.monotonic(), None, None)


def hash_password(store: Store, password: str) -> str:
    return str(store.hasher.hash(password))
