"""How often a staff number may be tried (issue 10, items 1 and 2).

Every attempt is first *reserved*: in one write transaction the recent failures are counted
and, when the attempt may go ahead, a failure row is written for it before the slow password
hash runs. The right password then removes the staff number's failures; a wrong one leaves the
row as its failure. Counting and reserving are one step (SQLite's BEGIN IMMEDIATE, or an
advisory lock on PostgreSQL), so however many attempts arrive at once, no more than the limit
are ever checked against the password.

Two limits, so that nobody can lock anybody else out:
- per staff number *and source* (`login_max_failures` within `login_window_s`): that source
  waits (429 with Retry-After) until its oldest failure ages out. Refused attempts are not
  failures, so the wait cannot be renewed by trying on.
- per staff number from all sources (`login_staff_max_failures`): from then on the number is
  slowed down, one attempt per `login_slow_s` from anywhere, never locked; the right password
  gets in within seconds and clears it all.

A source reaching its limit and a staff number being slowed are both written to the audit
trail (auth.locked, auth.slowed).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, insert, select, text

from central import audit
from central.context import SystemCtx
from central.errors import RateLimited
from central.schema import login_failures
from central.settings import Settings

F = login_failures


def _lock(conn: Connection, staff_no: str) -> None:
    """PostgreSQL: one reservation per staff number at a time (SQLite's IMMEDIATE already)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "login:" + staff_no})


def _seconds(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def reserve(
    conn: Connection, settings: Settings, staff_no: str, source: str, now: datetime
) -> tuple[int, int]:
    """Count, and write this attempt's failure row; RateLimited (with Retry-After) when the
    attempt must wait. Runs in the caller's write transaction. Answers the failures counting
    this one (from this source, from all), for the audit should it fail."""
    _lock(conn, staff_no)
    since = now - timedelta(seconds=settings.login_window_s)
    mine = F.c.staff_no == staff_no
    here = conn.execute(
        select(func.count(), func.min(F.c.at)).where(mine, F.c.source == source, F.c.at >= since)
    ).one()
    if here[0] >= settings.login_max_failures:
        wait = _seconds(here[1] + timedelta(seconds=settings.login_window_s), now)
        raise RateLimited(
            f"Too many wrong passwords for {staff_no} from here; wait {math.ceil(wait / 60)} "
            "minutes and try again, or log in from another terminal.",
            reason="too_many_wrong_passwords_here",
            params={"staff_no": staff_no, "minutes": math.ceil(wait / 60)},
            retry_after=wait,
        )
    every = conn.execute(select(func.count(), func.max(F.c.at)).where(mine, F.c.at >= since)).one()
    if every[0] >= settings.login_staff_max_failures:
        next_at = every[1] + timedelta(seconds=settings.login_slow_s)
        if next_at > now:
            wait = _seconds(next_at, now)
            raise RateLimited(
                f"{staff_no} has had many wrong passwords; wait {wait} seconds and try again.",
                reason="login_slowed_wait",
                params={"staff_no": staff_no, "seconds": wait},
                retry_after=wait,
            )
    conn.execute(insert(F).values(staff_no=staff_no, at=now, source=source))
    return here[0] + 1, every[0] + 1


def audit_failure(
    conn: Connection, ctx: SystemCtx, settings: Settings, staff_no: str, counts: tuple[int, int]
) -> None:
    """A wrong password: audited, and so is a source reaching its limit or the staff number
    being slowed down by this very failure."""
    here, every = counts
    audit.record(
        conn, ctx, "auth.login_failed", "staff", staff_no, before=None, after=None
    )  # fmt: skip
    if here == settings.login_max_failures:
        audit.record(
            conn, ctx, "auth.locked", "staff", staff_no, before=None,
            after={"source": ctx.source, "failures": here, "window_s": settings.login_window_s},
        )  # fmt: skip
    if every == settings.login_staff_max_failures:
        audit.record(
            conn, ctx, "auth.slowed", "staff", staff_no, before=None,
            after={"failures": every, "one_attempt_per_s": settings.login_slow_s},
        )  # fmt: skip


def cleared(conn: Connection, staff_no: str) -> None:
    """The right password: the staff number's failures (and this attempt's row) are gone."""
    conn.execute(F.delete().where(F.c.staff_no == staff_no))
