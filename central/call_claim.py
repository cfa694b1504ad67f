"""Call-next's claim: which waiting tickets a window may call, in call order, and the
compare-and-set that takes one of them (DESIGN.md §2; the rules around it are in
central.tickets).

Two windows never get the same ticket: the candidates are read in call order and one is claimed
with `UPDATE tickets SET status='called' … WHERE id=:id AND status='waiting'`; a claim that
touches no row lost a race and the next candidate is tried. On PostgreSQL the candidates are
read `FOR UPDATE SKIP LOCKED`; on SQLite the IMMEDIATE transaction already serialises writers.
There is no in-process lock: several server processes may share one database. The statements
are built once, at import (SQLAlchemy then reuses their compiled form).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY

from central.direct_statement import DirectStatement
from central.errors import Conflict
from central.schema import tickets, window_queues

CANDIDATES = 8  # call-next claims from this many candidates before reading again
# Set in conn.info while the write runs inside a group transaction (central.group_commit).
GROUPED = "counter_grouped"


class ClaimLater(Exception):
    """Inside a group: every candidate is being claimed by another process's open transaction.
    Waiting here would hold this group's own claims (and so the other's wait) open: the group
    commits without this write and runs it again in the next one."""


_TICKET = select(tickets).where(tickets.c.id == bindparam("b_id"))
# Constants written into the SQL, not bound: a partial index (… WHERE status = 'waiting') is only
# usable when the query's own condition is that same literal.
_WAITING = literal_column("'waiting'", String())
_GREEN = literal_column("'green'", String())
_APPOINTMENT = literal_column("'appointment'", String())


def _candidates_stmt() -> Any:
    """call-next's candidates for window :b_window at :b_now, in call order (see call_rank).
    One query over every waiting ticket: PostgreSQL runs it FOR UPDATE SKIP LOCKED, which must
    see all of them (a LIMIT applied before skipping locked rows could find none)."""
    t, wq = tickets, window_queues
    window_no = bindparam("b_window", type_=t.c.window_no.type)
    due = and_(t.c.kind == "appointment", t.c.appointment_at <= bindparam("b_now"))
    # A ticket transferred to this window ranks before the window's own queues.
    priority = case((t.c.target_window == window_no, 0), else_=wq.c.priority)
    return (
        select(t.c.id)
        .select_from(
            t.outerjoin(
                wq, and_(wq.c.queue_prefix == t.c.queue_prefix, wq.c.window_no == window_no)
            )
        )
        .where(
            t.c.status == "waiting",
            or_(
                t.c.target_window == window_no,
                and_(t.c.target_window.is_(None), wq.c.window_no.is_not(None)),
            ),
        )
        .order_by(
            case((t.c.kind == "green", 0), else_=1),
            case((due, 0), else_=1),
            priority,
            t.c.issued_at,
            t.c.id,
        )
        .limit(CANDIDATES)
    )


def _tiered_candidates_stmt(
    *, lateral: bool = False, limit: int = CANDIDATES, placed: bool = False
) -> Any:
    """The same candidates in the same order, without sorting every waiting ticket (SQLite
    holds its write lock meanwhile). Call order has four disjoint tiers, each read through a
    partial index and cut to `limit` before the small final sort by the full rank:
    green; appointments whose slot has come; transferred to this window; the window's queues,
    `limit` per queue (one queue has one priority at a window, so its best are by arrival).

    `lateral` (PostgreSQL) reads each queue's first tickets through a LATERAL join. The
    correlated `IN (…)` SQLite needs is planned there as a loop over every ticket that re-runs
    the subquery for each: 12,000 runs and 10 s per call at 6,000 waiting."""
    t, wq = tickets, window_queues
    window_no = bindparam("b_window", type_=t.c.window_no.type)
    now = bindparam("b_now", type_=t.c.appointment_at.type)

    def later(x: Any) -> Any:  # neither green nor a due appointment (NULL slot: not due)
        slot_not_come = or_(x.c.appointment_at.is_(None), x.c.appointment_at > now)
        return and_(x.c.kind != _GREEN, or_(x.c.kind != _APPOINTMENT, slot_not_come))

    def first(tier: Any) -> Any:
        part = tier.order_by("p", t.c.issued_at, t.c.id).limit(limit).subquery()
        return select(*part.c)

    rank = case((t.c.target_window == window_no, 0), else_=wq.c.priority).label("p")
    for_window = or_(
        t.c.target_window == window_no,
        and_(t.c.target_window.is_(None), wq.c.window_no.is_not(None)),
    )
    ranked = (
        select(t.c.id, t.c.issued_at, rank)
        .select_from(
            t.outerjoin(
                wq, and_(wq.c.queue_prefix == t.c.queue_prefix, wq.c.window_no == window_no)
            )
        )
        .where(t.c.status == _WAITING, for_window)
    )
    one, zero = literal_column("1", Integer()), literal_column("0", Integer())
    green = ranked.add_columns(zero.label("g"), one.label("d")).where(t.c.kind == _GREEN)
    due = ranked.add_columns(one.label("g"), zero.label("d")).where(
        t.c.kind == _APPOINTMENT, t.c.appointment_at <= now
    )
    transferred = select(
        t.c.id, t.c.issued_at, zero.label("p"), one.label("g"), one.label("d")
    ).where(t.c.status == _WAITING, t.c.target_window == window_no, later(t))
    # Per queue of the window: its first waiting tickets (SQLite has no LATERAL join: there
    # a correlated subquery).
    q = tickets.alias("q")
    firsts = (
        select(q.c.id, q.c.issued_at)
        .where(
            q.c.status == _WAITING,
            q.c.target_window.is_(None),
            q.c.queue_prefix == wq.c.queue_prefix,
            later(q),
        )
        .order_by(q.c.issued_at, q.c.id)
        .limit(limit)
    )
    if lateral:
        # Ordered by the index's leading columns too (one value each here): PostgreSQL does not
        # count `IS NULL` as fixing a column, and would otherwise sort every waiting ticket.
        index_order = (q.c.target_window, q.c.queue_prefix, q.c.issued_at, q.c.id)
        f = firsts.order_by(None).order_by(*index_order).lateral("f")
        own_queues = (
            select(f.c.id, f.c.issued_at, wq.c.priority.label("p"), one.label("g"), one.label("d"))
            .select_from(wq.join(f, true()))
            .where(wq.c.window_no == window_no)
        )
    else:
        in_order = firsts.with_only_columns(q.c.id).correlate(wq)
        own_queues = (
            select(t.c.id, t.c.issued_at, wq.c.priority.label("p"), one.label("g"), one.label("d"))
            .select_from(wq.join(t, t.c.id.in_(in_order)))
            .where(wq.c.window_no == window_no)
        )
    tiers = union_all(first(green), first(due), first(transferred), own_queues).subquery("c")
    c = tiers.c
    order = (c.g, c.d, c.p, c.issued_at, c.id)
    if placed:  # with each candidate's place in call order, for a claim in the same statement
        place = func.row_number().over(order_by=order).label("place")
        return select(c.id, place).order_by(*order).limit(limit)
    return select(c.id).order_by(*order).limit(limit)


_CANDIDATES = _tiered_candidates_stmt()
# PostgreSQL: the same through LATERAL, and a wider read for when every one of the first
# candidates is being claimed by other windows right now (each in-flight claim holds at most one:
# WIDER covers the writer threads of many instances).
WIDER = 128
_PG_CANDIDATES = _tiered_candidates_stmt(lateral=True)
_PG_WIDER = _tiered_candidates_stmt(lateral=True, limit=WIDER)
# Claim one candidate: the compare-and-set that makes two windows never share a ticket.
_CLAIM = update(tickets).where(tickets.c.id == bindparam("b_id"), tickets.c.status == "waiting")
_CLAIM_RETURNING = _CLAIM.returning(*tickets.c)
# SQLite's candidates and claim straight through the driver (central.direct_statement): the
# claim sets the columns central.tickets.called_values gives.
CLAIMED = ("status", "window_no", "staff_no", "called_at", "recall_count")
_DIRECT_CANDIDATES = DirectStatement(_CANDIDATES, ("b_window", "b_now"))
_DIRECT_CLAIM = DirectStatement(
    _CLAIM_RETURNING.values({c: bindparam(c, type_=tickets.c[c].type) for c in CLAIMED}),
    ("b_id", *CLAIMED),
)


def _pg_claim_stmt(pick: Any) -> Any:
    """PostgreSQL: claim the ticket `pick` selects (FOR UPDATE SKIP LOCKED: a row another
    window is claiming right now is passed over, not waited for) in one statement."""
    where = (tickets.c.id == pick.scalar_subquery(), tickets.c.status == _WAITING)
    return update(tickets).where(*where).returning(*tickets.c)


# Only when more than WIDER candidates are being claimed at once: the full call order.
_PG_CLAIM_ANY = _pg_claim_stmt(
    _candidates_stmt().limit(1).with_for_update(skip_locked=True, of=tickets)
)
FOUND = "candidates_found"  # the read-and-claim's count of candidates it read


_SET_NAMES = tuple(f"c_{name}" for name in CLAIMED)


def _pg_read_and_claim_stmt(limit: int, guard: Any = None) -> Any:
    """PostgreSQL: read the first `limit` candidates and claim the first of them no other
    window is claiming, in one statement (one round trip, not two). It always answers one row:
    the claimed ticket's columns (NULL when none was free) and how many candidates it read, so
    "nothing waits" (0 read) stays apart from "every candidate is being claimed elsewhere".
    Within one statement every part sees one snapshot; the claim's `status = 'waiting'` is
    checked again on the newest row version (READ COMMITTED), as in the two-statement form.
    `guard`, a condition, claims only while it holds (central.pg_call_ahead: the window's).

    The candidates are read once, into an array in call order; its length is the count."""
    ids_type = ARRAY(tickets.c.id.type)
    in_order = _tiered_candidates_stmt(lateral=True, limit=limit).scalar_subquery()
    found = select(func.array(in_order, type_=ids_type).label("ids")).cte("found")
    # One candidate at a time, in the array's order (unnest reads it out in order), each
    # looked up by id and locked unless another window holds it: the first free one is the
    # pick and no other is locked. No ORDER BY is needed, nor allowed (a sort would lock every
    # candidate first): each part is LATERAL to the one before, so the only plan is a nested
    # loop in the array's order, and LIMIT 1 stops it at the first free one. A join of the
    # candidates with tickets, sorted after, was planned as a scan of every waiting ticket
    # (more so on a fresh hall's statistics).
    each = func.unnest(found.c.ids).table_valued("id").render_derived(name="each")
    free = (
        select(tickets.c.id)
        .where(tickets.c.id == each.c.id, tickets.c.status == _WAITING)
        .with_for_update(skip_locked=True, of=tickets)
        .correlate(each)
        .lateral("free")
    )
    pick = (
        select(free.c.id)
        .select_from(found)
        .join(each, true())
        .join(free, true())
        .where(*(() if guard is None else (guard,)))
        .limit(1)
    )
    # The claim's columns spelled out: a SET taken from the parameters is not derived for an
    # UPDATE nested in a CTE.
    set_to = {name: bindparam(f"c_{name}", type_=tickets.c[name].type) for name in CLAIMED}
    claimed = _pg_claim_stmt(pick).values(set_to).cte("claimed")
    count = select(func.cardinality(found.c.ids)).scalar_subquery().label(FOUND)
    one = select(literal_column("1").label("one")).subquery("one")
    return select(*claimed.c, count).select_from(one.outerjoin(claimed, true()))


# Straight through the driver (central.direct_statement), as SQLite's candidates and claim.
_PG_READ_AND_CLAIM, _PG_READ_WIDER_AND_CLAIM = (
    DirectStatement(_pg_read_and_claim_stmt(limit), ("b_window", "b_now", *_SET_NAMES))
    for limit in (CANDIDATES, WIDER)
)


def claim_next(conn: Connection, window_no: int, claim: dict[str, Any]) -> Any:
    """Claim the first waiting ticket in window `window_no`'s call order, setting `claim` (its
    columns: status, window, staff, called_at … and `b_now`, the time call order is read at);
    the claimed row, or None when nothing waits for the window."""
    if conn.dialect.name == "postgresql":
        return _pg_claim_next(conn, window_no, claim)
    now = claim["b_now"]
    values = {k: v for k, v in claim.items() if k != "b_now"}
    direct = conn.dialect.update_returning and values.keys() == set(CLAIMED)
    claimed = tuple(values[c] for c in CLAIMED) if direct else ()
    for _attempt in range(10):
        ids = _DIRECT_CANDIDATES.scalars(conn, window_no, now)
        if not ids:
            return None
        for ticket_id in ids:
            params = {"b_id": ticket_id, **values}
            if direct:
                row = _DIRECT_CLAIM.first(conn, ticket_id, *claimed)
            elif conn.dialect.update_returning:
                row = conn.execute(_CLAIM_RETURNING, params).first()
            elif conn.execute(_CLAIM, params).rowcount == 1:
                row = conn.execute(_TICKET, {"b_id": ticket_id}).first()
            else:
                row = None
            if row is not None:
                return row
    raise too_busy(window_no)


def _pg_claim_next(conn: Connection, window_no: int, claim: dict[str, Any]) -> Any:
    """PostgreSQL (READ COMMITTED: each statement sees every commit before it).

    "Nothing waits" is said only when no candidate is waiting at all: a candidate that other
    windows are claiming at this moment (locked, not yet committed) still reads as waiting, and
    means "look again". Every read is bounded: the first CANDIDATES, then the first WIDER, and
    only past those the full call order (which sorts every waiting ticket). Each bounded read
    claims in the same statement: a call-next is one round trip when its first candidates are
    free, as they nearly always are.
    """
    params = {"b_window": window_no, **claim}
    values = (window_no, claim["b_now"], *(claim[name] for name in CLAIMED))
    for attempt in range(200):
        for read, limit in ((_PG_READ_AND_CLAIM, CANDIDATES), (_PG_READ_WIDER_AND_CLAIM, WIDER)):
            answer = read.first(conn, *values)  # always one row
            found = getattr(answer, FOUND)
            if found == 0:
                return None
            if answer.id is not None:
                return answer
            if found < limit:
                break  # every waiting ticket was read, and each is being claimed elsewhere
        else:
            row = conn.execute(_PG_CLAIM_ANY, params).first()
            if row is not None:
                return row
        if conn.info.get(GROUPED):
            raise ClaimLater(window_no)
        time.sleep(0.001 * min(attempt + 1, 10))  # their claims commit in a moment
    raise too_busy(window_no)


def too_busy(window_no: int) -> Conflict:
    return Conflict(
        f"Window {window_no} could not claim a ticket (too busy); call again.",
        reason="window_could_not_claim_ticket",
        params={"window_no": window_no},
    )
