"""The hall's windows: sign on and off, pause and resume, and the guards every step at a window
shares (who may act there; whether it is signed on, paused or busy with a ticket). Which queues
a window serves is central.served_queues.

Like the queue engine (central.tickets), each step runs inside the caller's write transaction,
changes the window row with a compare-and-set where two people could race (sign-on), and writes
its audit row and its `window.changed` event in that same transaction.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Connection, String, and_, bindparam, literal_column, select, update

from central import audit
from central.context import Actor, Ctx
from central.direct_statement import DirectStatement
from central.errors import Conflict, Forbidden, NotFound, require_text
from central.events import emit
from central.hall import ACTIVE
from central.pg_pipeline import then_first
from central.schema import staff, tickets, windows

MAX_DB_INT = 2**31 - 1


# --- statements, built once (SQLAlchemy then reuses their compiled form) ------------------------

_WINDOW = select(windows).where(windows.c.no == bindparam("b_no"))
_LOCK_WINDOW = _WINDOW.with_for_update()
_LOCK_WINDOW_NO = select(windows.c.no).where(windows.c.no == bindparam("b_no")).with_for_update()


def state_of(no: Any) -> Any:
    """The window numbered `no` (a bound parameter) with its current ticket's number and
    status (NULL when none)."""
    return (
        select(
            windows,
            tickets.c.number.label("current_number"),
            tickets.c.status.label("current_status"),
        )
        .select_from(
            windows.outerjoin(
                tickets,
                and_(
                    tickets.c.window_no == windows.c.no,
                    # The states written into the SQL, not bound: SQLite joins a bound OR (or
                    # equality) here five times slower (25 against 5 µs, measured).
                    tickets.c.status.in_([literal_column(f"'{s}'", String()) for s in ACTIVE]),
                ),
            )
        )
        .where(windows.c.no == no)
    )


_WINDOW_STATE = state_of(bindparam("b_no"))
# The two reads every call-next and call-back make, straight through the driver.
DIRECT_STATE = DirectStatement(_WINDOW_STATE, ("b_no",))
DIRECT_LOCK_NO = DirectStatement(_LOCK_WINDOW_NO, ("b_no",))
_WINDOW_OF = select(windows.c.no).where(windows.c.staff_no == bindparam("b_staff"))
_STAFF_NAME = select(staff.c.name).where(staff.c.staff_no == bindparam("b_staff"))
_SET_WINDOW = update(windows).where(windows.c.no == bindparam("b_no"))
_SIGN_ON = update(windows).where(windows.c.no == bindparam("b_no"), windows.c.staff_no.is_(None))


# --- reads --------------------------------------------------------------------------------------


def _read_window(conn: Connection, statement: Any, no: int) -> Any:
    row = conn.execute(statement, {"b_no": no}).first() if 0 <= no <= MAX_DB_INT else None
    return found_window(row, no)


def found_window(row: Any, no: int) -> Any:
    if row is None:
        raise NotFound(
            f"There is no window {no} in this hall.",
            reason="no_window_hall",
            params={"window_no": no},
        )
    return row


def find_window(conn: Connection, no: int) -> Any:
    return _read_window(conn, _WINDOW, no)


def window_exists(conn: Connection, no: int) -> bool:
    return 0 <= no <= MAX_DB_INT and conn.execute(_WINDOW, {"b_no": no}).first() is not None


def window_of(conn: Connection, staff_no: str) -> int | None:
    """The window this staff member is signed on at, if any."""
    return conn.execute(_WINDOW_OF, {"b_staff": staff_no}).scalar()


def _staff_label(conn: Connection, staff_no: str) -> str:
    name = conn.execute(_STAFF_NAME, {"b_staff": staff_no}).scalar()
    return f"{name} ({staff_no})" if name else staff_no


def _window_snapshot(row: Any) -> dict[str, Any]:
    return {"staff_no": row.staff_no, "pause_reason": row.pause_reason}


def _window_snapshot_of(values: dict[str, Any]) -> dict[str, Any]:
    return {"staff_no": values["staff_no"], "pause_reason": values["pause_reason"]}


# --- guards -------------------------------------------------------------------------------------


def guard_window(conn: Connection, ctx: Ctx, window: Any, doing: str) -> Actor:
    """Clerks act only at the window they are signed on at; supervisors and admins anywhere."""
    actor = ctx.actor
    if actor.role == "device":
        raise Forbidden(
            f"A device cannot {doing}.", reason="device_cannot_act", params={"doing": doing}
        )
    if actor.is_supervisor:
        return actor
    if window.staff_no is None:
        raise Conflict(
            f"Window {window.no} is signed off; sign on first.",
            reason="window_signed_off",
            params={"window_no": window.no},
        )
    if window.staff_no != actor.staff_no:
        raise Forbidden(
            f"Window {window.no} is signed on by {_staff_label(conn, window.staff_no)}; "
            f"you can only {doing} at your own window.",
            reason="window_held_by_other",
            params={"window_no": window.no, "staff_label": _staff_label(conn, window.staff_no)},
        )
    return actor


# The steps that need a window open for work; each names the refusal in its own words.
OpenWindowStep = Literal["call", "call_named", "call_back", "pause"]


def require_open_window(window: Any, step: OpenWindowStep, number: str = "") -> None:
    """Refuse `step` at a window that is signed off, paused, or still has a ticket called or in
    service: call-next ("call"), a named call, calling held ticket `number` back, or a pause.
    `window` comes from window_state. The checks are one; only the sentences differ by step."""
    no, paused = window.no, window.pause_reason
    if window.staff_no is None:
        if step == "call_back":
            raise Conflict(
                f"Window {no} is signed off; sign on there to call {number} back.",
                reason="window_signed_off_sign_call",
                params={"window_no": no, "number": number},
            )
        who = "a clerk must sign on" if step == "call_named" else "sign on"
        raise Conflict(
            f"Window {no} is signed off; {who} first.",
            reason="window_signed_off",
            params={"window_no": no},
        )
    if paused is not None:
        if step == "pause":
            raise Conflict(
                f"Window {no} is already paused ({paused}).",
                reason="window_already_paused",
                params={"window_no": no, "pause_reason": paused},
            )
        if step == "call_back":
            raise Conflict(
                f"Window {no} is paused; resume first.",
                reason="window_paused",
                params={"window_no": no},
            )
        raise Conflict(
            f"Window {no} is paused ({paused}); resume first.",
            reason="window_paused_with_reason",
            params={"window_no": no, "pause_reason": paused},
        )
    if window.current_number is not None:
        then = {"pause": ", then pause", "call_back": f", then call {number} back"}
        raise busy(window, then.get(step, ""))


def lock_window(conn: Connection, no: int) -> Any:
    """Read the window row; on PostgreSQL lock it so two calls at one window run one by one."""
    return _read_window(conn, _LOCK_WINDOW, no)


def window_state(conn: Connection, no: int) -> Any:
    """The window row (locked as in lock_window) with its current ticket's `current_number`
    and `current_status` (None when the window has no ticket called or in service)."""
    if not 0 <= no <= MAX_DB_INT:
        return found_window(None, no)
    if conn.dialect.name == "postgresql":
        # Lock first, then read: the read must see what the lock holder committed. Both in one
        # round trip (central.pg_pipeline): the read still runs after the lock is held.
        return found_window(then_first(conn, DIRECT_LOCK_NO, DIRECT_STATE, no), no)
    return found_window(DIRECT_STATE.first(conn, no), no)


def busy(window: Any, then: str = "") -> Conflict:
    """The window still has a ticket called or in service: say which, and what to do first."""
    number, status = window.current_number, window.current_status
    sentence = current_ticket_sentence(number, status, then)
    if status == "called":
        return Conflict(sentence, reason="window_has_called_ticket", params={"number": number})
    return Conflict(sentence, reason="window_has_serving_ticket", params={"number": number})


def current_ticket_sentence(number: str, status: str, then: str = "") -> str:
    first = (
        f"Start, transfer or mark no-show for {number} first"
        if status == "called"
        else f"Finish, hold or transfer {number} first"
    )
    return f"{first}{then}."


# --- steps --------------------------------------------------------------------------------------


def _window_changed(
    conn: Connection, ctx: Ctx, action: str, before: Any, after: dict[str, Any], window_no: int
) -> None:
    """Audit and announce a window change; `after` is what was just written (not re-read)."""
    audit.record(
        conn,
        ctx,
        f"window.{action}",
        "window",
        window_no,
        before=_window_snapshot(before),
        after=after,
        window_no=window_no,
    )
    emit(conn, ctx, "window.changed", window_no=window_no)


def sign_on(conn: Connection, ctx: Ctx, window_no: int) -> None:
    """Sign the acting staff member on at a window. Again by the same person: nothing changes,
    the window keeps its current ticket."""
    actor = ctx.actor
    if actor.role == "device":
        raise Forbidden("A device cannot sign on at a window.", reason="device_cannot_sign_window")
    window = lock_window(conn, window_no)
    if window.staff_no == actor.staff_no:
        return
    if window.staff_no is not None:
        raise Conflict(
            f"Window {window_no} is signed on by {_staff_label(conn, window.staff_no)}; "
            "they (or a supervisor) must sign it off first.",
            reason="window_signed_on_by_other",
            params={"window_no": window_no, "staff_label": _staff_label(conn, window.staff_no)},
        )
    elsewhere = window_of(conn, actor.staff_no)
    if elsewhere is not None:
        raise Conflict(
            f"You are signed on at window {elsewhere}; sign off there first.",
            reason="signed_on_elsewhere",
            params={"window_no": elsewhere},
        )
    values = {"staff_no": actor.staff_no, "pause_reason": None, "pause_note": None}
    changed = conn.execute(_SIGN_ON, {"b_no": window_no, **values, "updated_at": ctx.now})
    if changed.rowcount != 1:
        raise Conflict(
            f"Window {window_no} was just taken; refresh and choose another.",
            reason="window_just_taken_refresh_choose",
            params={"window_no": window_no},
        )
    _window_changed(conn, ctx, "sign_on", window, _window_snapshot_of(values), window_no)


def sign_off(conn: Connection, ctx: Ctx, window_no: int) -> None:
    window = window_state(conn, window_no)
    actor = ctx.actor
    if actor.role == "device":
        raise Forbidden(
            "A device cannot sign a window off.", reason="device_cannot_sign_window_off"
        )
    if window.staff_no is None:
        return  # already signed off: nothing to do
    guard_window(conn, ctx, window, "sign off")
    if window.current_number is not None:
        raise busy(window, ", then sign off")
    values = {"staff_no": None, "pause_reason": None, "pause_note": None}
    conn.execute(_SET_WINDOW, {"b_no": window_no, **values, "updated_at": ctx.now})
    _window_changed(conn, ctx, "sign_off", window, _window_snapshot_of(values), window_no)


def pause(conn: Connection, ctx: Ctx, window_no: int, reason: str, note: str = "") -> None:
    """Pause only with no ticket called or in service: the citizen in front is served first."""
    window = window_state(conn, window_no)
    guard_window(conn, ctx, window, "pause")
    require_open_window(window, "pause")
    values = {"pause_reason": reason, "pause_note": require_text("note", note)}
    conn.execute(_SET_WINDOW, {"b_no": window_no, **values, "updated_at": ctx.now})
    after = {"staff_no": window.staff_no, "pause_reason": reason}
    _window_changed(conn, ctx, "pause", window, after, window_no)


def resume(conn: Connection, ctx: Ctx, window_no: int) -> None:
    window = lock_window(conn, window_no)
    guard_window(conn, ctx, window, "resume")
    if window.pause_reason is None:
        raise Conflict(
            f"Window {window_no} is not paused.",
            reason="window_not_paused",
            params={"window_no": window_no},
        )
    values = {"pause_reason": None, "pause_note": None}
    conn.execute(_SET_WINDOW, {"b_no": window_no, **values, "updated_at": ctx.now})
    after = {"staff_no": window.staff_no, "pause_reason": None}
    _window_changed(conn, ctx, "resume", window, after, window_no)
