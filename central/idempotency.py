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

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import anyio.to_thread
from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import Connection, bindparam, select

from central.context import Actor, Ctx
from central.direct_insert import DirectInsert
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
# The kept answer: compiled once, on SQLite straight through the driver.
_KEEP = DirectInsert(
    idempotency_keys, ("actor", "key", "request", "status_code", "body", "created_at")
)


def fingerprint(method: str, path: str, body: BaseModel | None) -> str:
    text = f"{method} {path} {body.model_dump_json() if body is not None else ''}"
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def _response(status: int, body: str) -> Response:
    if not body:
        return Response(status_code=status)
    return Response(content=body, status_code=status, media_type="application/json")


class Finish(Protocol):
    """What completes an answer after the commit, from its kept body, in a fresh read (never
    in the write transaction, which it would only lengthen): e.g. the window and the queue
    figures (central.counter_answer). A replayed answer is completed the same way."""

    def __call__(self, conn: Connection, now: datetime, kept: str) -> str: ...


Outcome = tuple[int, str]  # the answer's status and its kept body ("" for none)


def write(
    store: Store, actor: Actor, key: str | None, request_print: str, action: Action
) -> Outcome:
    """The write half of `run`: `action` and its kept key in one write transaction. Raises
    what the action raised (the caller then looks for a first answer under the key)."""
    with store.write() as conn:
        return keep(conn, store, actor, key, request_print, action)


def keep(
    conn: Connection,
    store: Store,
    actor: Actor,
    key: str | None,
    request_print: str,
    action: Action,
) -> Outcome:
    """`action` and its kept key in the caller's write transaction."""
    status, model = action(conn)
    body = model.model_dump_json() if model is not None else ""
    if key is not None:
        _KEEP.run(conn, [(actor.staff_no, key, request_print, status, body, store.now())])
    return status, body


def replay(
    store: Store, actor: Actor, key: str | None, request_print: str, finish: Finish | None
) -> Response | None:
    """After a failed write: the first answer kept under `key`, or None (the failure stands)."""
    kept = replayed(store, actor, key, request_print, finish)
    return None if kept is None else _response(*kept)


def replayed(
    store: Store, actor: Actor, key: str | None, request_print: str, finish: Finish | None
) -> Outcome | None:
    """`replay`'s status and body (central.hot_front sends them itself)."""
    if key is None:
        return None
    with store.read() as conn:
        stored = conn.execute(_STORED, {"b_actor": actor.staff_no, "b_key": key}).first()
        if stored is None:
            return None
        if stored.request != request_print:
            raise Conflict(
                "This Idempotency-Key was already used for a different request; send a new key.",
                reason="idempotency_key_already_used_different",
            ) from None
        body = stored.body
        if finish is not None and body:
            body = finish(conn, store.now(), body)
    return stored.status_code, body


def answer(store: Store, outcome: Outcome, finish: Finish | None) -> Response:
    """The response to a write that went through, completed by `finish` after the commit."""
    status, body = outcome
    if finish is not None and body:
        with store.read() as conn:
            body = finish(conn, store.now(), body)
    return _response(status, body)


def run(
    store: Store,
    actor: Actor,
    key: str | None,
    request_print: str,
    action: Action,
    finish: Finish | None = None,
) -> Response:
    """Run `action` in one write transaction, or replay the stored answer for a repeated key."""
    if key is not None:
        require_text("Idempotency-Key", key)
    try:
        outcome = write(store, actor, key, request_print, action)
    except Exception:
        # Rolled back. A key kept by an earlier success means this is a repeat: its answer
        # stands, whatever this run met. Otherwise the failure is this request's own.
        replayed = replay(store, actor, key, request_print, finish)
        if replayed is None:
            raise
        return replayed
    return answer(store, outcome, finish)


@dataclass(frozen=True)
class Post:
    """A POST's work, ready to run by `perform` or `perform_on_writer`: its actor, key and
    request print, the action over one transaction, and the step's `finish` if it has one."""

    actor: Actor
    key: str | None
    request_print: str
    action: Action
    finish: Finish | None
    ahead: Any = None  # what the writer may read ahead for it (central.pg_call_ahead)


def post(
    ctx: Ctx,
    key: str | None,
    path: str,
    body: BaseModel | None,
    step: Step,
    *,
    status: int = 200,
) -> Post:
    """`step` once per Idempotency-Key, answered with the model it returns (with `status`),
    or 204 with no body when it returns None (nothing to do). A step with a `finish`
    (central.counter_answer) completes its answer after the commit."""
    if key is not None:
        require_text("Idempotency-Key", key)

    def action(conn: Connection) -> tuple[int, BaseModel | None]:
        model = step(conn, ctx)
        return (status, model) if model is not None else (204, None)

    request_print = fingerprint("POST", path, body)
    ahead = getattr(step, "ahead", None)
    return Post(
        ctx.actor,
        key,
        request_print,
        action,
        getattr(step, "finish", None),
        None if ahead is None else ahead(ctx),
    )


def perform(store: Store, work: Post) -> Response:
    """A POST's work in one write transaction on the calling thread."""
    return run(store, work.actor, work.key, work.request_print, work.action, work.finish)


async def perform_on_writer(store: Store, work: Post) -> Response:
    """`perform` for an `async` route: the write runs on the store's writer, committed
    together with whatever other writes are waiting and answered so too
    (central.group_commit), so the event loop never waits and the writer only writes."""
    return _response(*await outcome_on_writer(store, work))


async def outcome_on_writer(store: Store, work: Post) -> Outcome:
    """`perform_on_writer`'s status and body (central.hot_front sends them itself)."""
    actor, key, request_print, finish = work.actor, work.key, work.request_print, work.finish
    kept = functools.partial(
        keep, store=store, actor=actor, key=key, request_print=request_print, action=work.action
    )
    try:
        return await store.group().run(kept, finish, work.ahead)  # type: ignore[no-any-return]
    except Exception:
        again = await anyio.to_thread.run_sync(replayed, store, actor, key, request_print, finish)
        if again is None:
            raise
        return again
