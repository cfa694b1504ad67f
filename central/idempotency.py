"""Idempotent POSTs: a repeat with the same Idempotency-Key by the same actor gets the first
answer (status and body), and the action does not run again.

The key and the answer are stored in the same transaction as the action, so either both the
change and its answer are kept or neither is. Only successful answers are kept: a refused
request changed nothing, and its retry is judged afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import Connection, insert, select

from central.context import Actor
from central.errors import Conflict, require_text
from central.schema import idempotency_keys
from central.store import Store

Action = Callable[[Connection], tuple[int, BaseModel | None]]


def fingerprint(method: str, path: str, body: BaseModel | None) -> str:
    text = f"{method} {path} {body.model_dump_json() if body is not None else ''}"
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _response(status: int, body: str) -> Response:
    if not body:
        return Response(status_code=status)
    return Response(content=body, status_code=status, media_type="application/json")


def run(
    store: Store, actor: Actor, key: str | None, request_print: str, action: Action
) -> Response:
    """Run `action` in one write transaction, or replay the stored answer for a repeated key."""
    if key is not None:
        require_text("Idempotency-Key", key)
    with store.write() as conn:
        if key is not None:
            stored = conn.execute(
                select(idempotency_keys).where(
                    idempotency_keys.c.actor == actor.staff_no, idempotency_keys.c.key == key
                )
            ).first()
            if stored is not None:
                if stored.request != request_print:
                    raise Conflict(
                        "This Idempotency-Key was already used for a different request; "
                        "send a new key."
                    )
                return _response(stored.status_code, stored.body)
        status, model = action(conn)
        body = model.model_dump_json() if model is not None else ""
        if key is not None:
            conn.execute(
                insert(idempotency_keys).values(
                    actor=actor.staff_no,
                    key=key,
                    request=request_print,
                    status_code=status,
                    body=body,
                    created_at=store.now(),
                )
            )
    return _response(status, body)
