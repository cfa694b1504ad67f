"""Idempotent POSTs: a repeat with the same Idempotency-Key by the same actor gets the first
answer (status and body), and the action does not take effect again.

The key and the answer are stored in the same transaction as the action, so either both the
change and its answer are kept or neither is. Only successful answers are kept: a refused
request changed nothing, and its retry is judged afresh.

Routes reach `perform` through the `Idempotent` dependency (central.deps): it runs the step
and answers with the model the step returns, so a route says only what its step is.

The key is looked up only when the request does not simply succeed. First-time requests are
nearly all of them, so the action runs straight away and the key is inserted at the end; a
repeat fails there on the key's primary key (or fails earlier, the first answer having changed
the state), its transaction rolls back, and the stored first answer is replayed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import Connection, bindparam, insert, select

from central.context import Actor, Ctx
from central.errors import Conflict, require_text
from central.schema import idempotency_keys
from central.store import Store

Action = Callable[[Connection], tuple[int, BaseModel | None]]
Step = Callable[[Connection, Ctx], BaseModel | None]

_STORED = select(
    idempotency_keys.c.request, idempotency_keys.c.status_code, idempotency_keys.c.body
).where(
    idempotency_keys.c.actor == bindparam("b_actor"), idempotency_keys.c.key == bindparam("b_key")
)
_KEEP = insert(idempotency_keys)


def fingerprint(method: str, path: str, body: BaseModel | None) -> str:
    text = f"{method} {path} {body.model_dump_json() if body is not None else ''}"
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _response(status: int, body: str) -> Response:
    if not body:
        return Response(status_code=status)
    return Response(content=body, status_code=status, media_type="application/json")


def _stored(store: Store, actor: Actor, key: str) -> Any:
    with store.read() as conn:
        return conn.execute(_STORED, {"b_actor": actor.staff_no, "b_key": key}).first()


def run(
    store: Store, actor: Actor, key: str | None, request_print: str, action: Action
) -> Response:
    """Run `action` in one write transaction, or replay the stored answer for a repeated key."""
    if key is not None:
        require_text("Idempotency-Key", key)
    try:
        with store.write() as conn:
            status, model = action(conn)
            body = model.model_dump_json() if model is not None else ""
            if key is not None:
                conn.execute(
                    _KEEP,
                    {
                        "actor": actor.staff_no,
                        "key": key,
                        "request": request_print,
                        "status_code": status,
                        "body": body,
                        "created_at": store.now(),
                    },
                )
    except Exception:
        # Rolled back. A key kept by an earlier success means this is a repeat: its answer
        # stands, whatever this run met. Otherwise the failure is this request's own.
        stored = _stored(store, actor, key) if key is not None else None
        if stored is None:
            raise
        if stored.request != request_print:
            raise Conflict(
                "This Idempotency-Key was already used for a different request; send a new key.",
                reason="idempotency_key_already_used_different",
            ) from None
        return _response(stored.status_code, stored.body)
    return _response(status, body)


def perform(
    store: Store,
    ctx: Ctx,
    key: str | None,
    path: str,
    body: BaseModel | None,
    step: Step,
    *,
    status: int = 200,
) -> Response:
    """A POST's work: `step` once per Idempotency-Key, answered with the model it returns
    (with `status`), or 204 with no body when it returns None (nothing to do)."""

    def action(conn: Connection) -> tuple[int, BaseModel | None]:
        model = step(conn, ctx)
        return (status, model) if model is not None else (204, None)

    return run(store, ctx.actor, key, fingerprint("POST", path, body), action)
