"""Hall alerts: computed and stored here, so every supervisor sees the same ones, a supervisor
who connects later sees what was raised before, and acknowledging one is audited.

`check` looks at the hall as it is now and inserts one row per new condition; the row's
(kind, subject, episode) is unique, so a condition that lasts is raised once per episode (a
pause, an idle spell, an hour of a queue over its level), and two server processes checking
at once raise it once. Each new alert is announced as an `alert.raised` event.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from central import audit, events
from central.board import warn_level
from central.context import Ctx, Happening
from central.errors import Forbidden, NotFound
from central.hall_time import day_bounds, service_day
from central.schema import tickets, window_queues, windows
from central.schema_escalations import escalation_alerts, escalations
from central.schema_ratings import ratings
from central.schema_supervision import alerts, callbacks
from central.settings import Settings
from client.supervisor_models import Alert, AlertList

Found = tuple[str, str, str, str, dict[str, Any]]  # kind, subject type, subject id, episode, params


def _age(now: datetime, then: datetime) -> int:
    return max(0, int((now - then).total_seconds()))


def _long_waits(conn: Connection, now: datetime, settings: Settings) -> list[Found]:
    """One alert per queue (and hour) holding tickets waiting past the threshold: a long queue
    is one thing to act on, not one alert per citizen in it."""
    rows = conn.execute(
        select(
            tickets.c.queue_prefix,
            func.count().label("n"),
            func.min(tickets.c.issued_at).label("oldest"),
        )
        .where(
            tickets.c.status == "waiting",
            tickets.c.issued_at <= now - timedelta(seconds=settings.alert_wait_s),
        )
        .group_by(tickets.c.queue_prefix)
    ).all()
    hour = now.strftime("%Y-%m-%dT%H")
    found: list[Found] = []
    for r in rows:
        oldest = _aware(r.oldest)
        seconds = _age(now, oldest) if oldest is not None else 0
        params = {"queue": r.queue_prefix, "count": int(r.n), "seconds": seconds}
        found.append(("wait_over", "queue", r.queue_prefix, hour, params))
    return found


def _long_pauses(conn: Connection, now: datetime, settings: Settings) -> list[Found]:
    rows = conn.execute(
        select(windows.c.no, windows.c.pause_reason, windows.c.updated_at).where(
            windows.c.pause_reason.is_not(None),
            windows.c.updated_at <= now - timedelta(seconds=settings.alert_pause_s),
        )
    ).all()
    return [
        ("paused_long", "window", str(r.no), r.updated_at.isoformat(),
         {"window": r.no, "reason": r.pause_reason, "seconds": _age(now, r.updated_at)})
        for r in rows
    ]  # fmt: skip


def _queues_over(conn: Connection, now: datetime, settings: Settings) -> list[Found]:
    counts = conn.execute(
        select(tickets.c.queue_prefix, func.count().label("n"))
        .where(tickets.c.status == "waiting")
        .group_by(tickets.c.queue_prefix)
    ).all()
    hour = now.strftime("%Y-%m-%dT%H")
    return [
        ("queue_over", "queue", r.queue_prefix, hour,
         {"queue": r.queue_prefix, "waiting": r.n, "level": warn_level(settings, r.queue_prefix)})
        for r in counts
        if r.n > warn_level(settings, r.queue_prefix)
    ]  # fmt: skip


def _idle_while_waiting(conn: Connection, now: datetime, settings: Settings) -> list[Found]:
    """Signed-on, unpaused windows with no ticket, idle past the threshold, while a ticket
    they serve has waited past it too."""
    limit = now - timedelta(seconds=settings.alert_idle_s)
    active = select(tickets.c.window_no).where(
        tickets.c.status.in_(("called", "serving")), tickets.c.window_no.is_not(None)
    )
    candidates = conn.execute(
        select(windows.c.no, windows.c.updated_at).where(
            windows.c.staff_no.is_not(None),
            windows.c.pause_reason.is_(None),
            windows.c.no.not_in(active),
        )
    ).all()
    found: list[Found] = []
    for w in candidates:
        last = conn.execute(
            select(func.max(func.coalesce(tickets.c.finished_at, tickets.c.called_at))).where(
                tickets.c.window_no == w.no
            )
        ).scalar()
        idle_since = max([x for x in (w.updated_at, _aware(last)) if x is not None])
        if idle_since > limit:
            continue
        served = select(window_queues.c.queue_prefix).where(window_queues.c.window_no == w.no)
        waiting = conn.execute(
            select(func.count(), func.min(tickets.c.issued_at)).where(
                tickets.c.status == "waiting",
                tickets.c.issued_at <= limit,
                or_(
                    tickets.c.target_window == w.no,
                    and_(tickets.c.target_window.is_(None), tickets.c.queue_prefix.in_(served)),
                ),
            )
        ).one()
        if waiting[0]:
            found.append(
                ("idle_waiting", "window", str(w.no), idle_since.isoformat(),
                 {"window": w.no, "waiting": int(waiting[0]), "seconds": _age(now, idle_since)})
            )  # fmt: skip
    return found


def _aware(value: Any) -> datetime | None:
    from central.hall import _as_datetime

    return _as_datetime(value)


def _bad_ratings(conn: Connection, now: datetime) -> list[Found]:
    start, _end = day_bounds(service_day(now))
    rows = conn.execute(
        select(ratings.c.id, ratings.c.ticket_number, ratings.c.window_no, ratings.c.level).where(
            ratings.c.level <= 2, ratings.c.is_default.is_(False), ratings.c.rated_at >= start
        )
    ).all()
    return [
        ("bad_rating", "rating", str(r.id), "",
         {"ticket": r.ticket_number, "window": r.window_no or 0, "level": r.level})
        for r in rows
    ]  # fmt: skip


def _bad_callbacks(conn: Connection, now: datetime) -> list[Found]:
    """A dissatisfied callback put into the 差评 queue today: a new 差评-like item."""
    start, _end = day_bounds(service_day(now))
    rows = conn.execute(
        select(callbacks.c.id, callbacks.c.ticket_number, callbacks.c.window_no).where(
            callbacks.c.review_state.is_not(None), callbacks.c.recorded_at >= start
        )
    ).all()
    return [
        ("bad_callback", "callback", str(r.id), "",
         {"ticket": r.ticket_number, "window": r.window_no or 0})
        for r in rows
    ]  # fmt: skip


def _escalation_deadlines(conn: Connection, now: datetime) -> list[Found]:
    """Mirrors the ledger's own deadline check (escalation_alerts), last two days of it."""
    rows = conn.execute(
        select(escalations.c.no, escalation_alerts.c.kind, escalation_alerts.c.due_date)
        .select_from(
            escalation_alerts.join(
                escalations, escalations.c.id == escalation_alerts.c.escalation_id
            )
        )
        .where(escalation_alerts.c.at >= now - timedelta(days=2))
    ).all()
    return [
        (f"escalation_{r.kind}", "escalation", r.no, r.due_date.isoformat(),
         {"no": r.no, "due": r.due_date.isoformat()})
        for r in rows
    ]  # fmt: skip


def check(conn: Connection, ctx: Happening, settings: Settings) -> list[int]:
    """Raise every new alert; the ids raised."""
    now = ctx.now
    found = [
        *_long_waits(conn, now, settings),
        *_long_pauses(conn, now, settings),
        *_queues_over(conn, now, settings),
        *_idle_while_waiting(conn, now, settings),
        *_bad_ratings(conn, now),
        *_bad_callbacks(conn, now),
        *_escalation_deadlines(conn, now),
    ]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    raised: list[int] = []
    day = service_day(now)
    for kind, subject_type, subject_id, episode, params in found:
        row = conn.execute(
            dialect.insert(alerts)
            .values(
                kind=kind, subject_type=subject_type, subject_id=subject_id, episode=episode,
                params=params, service_day=day, raised_at=now,
            )
            .on_conflict_do_nothing()
            .returning(alerts.c.id)
        ).scalar()  # fmt: skip
        if row is not None:
            raised.append(int(row))
            events.emit(conn, ctx, "alert.raised", object_id=str(row))
    return raised


def _model(row: Any) -> Alert:
    return Alert(
        id=row.id,
        kind=row.kind,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        params=row.params,
        raised_at=row.raised_at,
        acked_at=row.acked_at,
        acked_by=row.acked_by,
    )


def list_alerts(conn: Connection, open_only: bool, limit: int) -> AlertList:
    query = select(alerts).order_by(alerts.c.id.desc()).limit(limit)
    if open_only:
        query = query.where(alerts.c.acked_at.is_(None))
    return AlertList(alerts=[_model(r) for r in conn.execute(query).all()])


def acknowledge(conn: Connection, ctx: Ctx, alert_id: int) -> Alert:
    actor = ctx.actor
    if not actor.is_supervisor:
        raise Forbidden("Only a supervisor can acknowledge an alert.", reason="supervisor_acks")
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise NotFound(
            f"There is no alert {alert_id}.", reason="no_alert", params={"alert_id": alert_id}
        )
    if row.acked_at is not None:
        return _model(row)  # acknowledged already (by whoever was first): nothing changes
    conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.acked_at.is_(None))
        .values(acked_at=ctx.now, acked_by=actor.staff_no)
    )
    after = conn.execute(select(alerts).where(alerts.c.id == alert_id)).one()
    after_json = {"acked_at": ctx.now.isoformat(), "acked_by": actor.staff_no}
    audit.record(
        conn,
        ctx,
        "alert.acknowledge",
        "alert",
        alert_id,
        before={"acked_at": None},
        after=after_json,
    )
    events.emit(conn, ctx, "alert.changed", object_id=str(alert_id))
    return _model(after)
