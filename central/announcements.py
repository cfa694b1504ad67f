"""The display feed: every call and recall of today, in call order, with its sentence.

An announcement is a `ticket.called` event (its id is the event's id, so the order of calls is
the order of ids and a recall, being a new event, is announced again). Nothing new is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from central import announce
from central.errors import NotFound
from central.hall_time import day_bounds, service_day
from central.schema import events, tickets
from central.settings import Settings
from central.voice import Voice
from client.display_models import Announcement

# How far back (in event ids) "the last calls" looks: bounded work however old the table is.
SCAN_EVENTS = 5000
RECALL = "recall"  # object_id of a recall's ticket.called event (central.ticket_steps.recall)

_COLUMNS = (
    events.c.id,
    events.c.at,
    events.c.ticket_id,
    events.c.window_no,
    events.c.object_id,
    events.c.queue,
    tickets.c.number,
)
_CALLS = select(*_COLUMNS).select_from(events.join(tickets, tickets.c.id == events.c.ticket_id))
_AFTER = (
    _CALLS.where(
        events.c.type == "ticket.called",
        events.c.id > bindparam("after"),
        events.c.at >= bindparam("since"),
    )
    .order_by(events.c.id)
    .limit(bindparam("limit"))
)
_LATEST = (
    _CALLS.where(
        events.c.type == "ticket.called",
        events.c.id > bindparam("floor"),
        events.c.at >= bindparam("since"),
    )
    .order_by(events.c.id.desc())
    .limit(bindparam("limit"))
)
_ONE = _CALLS.where(events.c.type == "ticket.called", events.c.id == bindparam("id"))
_LAST_ID = select(func.coalesce(func.max(events.c.id), 0))


@dataclass(frozen=True)
class Wording:
    """The hall's sentences, checked once when the app is built."""

    template: str
    template_en: str | None
    voice_input: str

    @classmethod
    def of(cls, settings: Settings) -> Wording:
        try:
            template = announce.check_template(settings.voice_template)
            template_en = settings.voice_template_en
            if template_en is not None:
                announce.check_template(template_en)
        except announce.TemplateError as exc:
            raise ValueError(str(exc)) from None
        if settings.voice_input not in ("pinyin", "hanzi"):
            raise ValueError('voice_input must be "pinyin" or "hanzi"')
        return cls(template, template_en, settings.voice_input)


def _model(row: Any, wording: Wording) -> Announcement:
    ticket, window = row.number, int(row.window_no)
    spoken = announce.spoken(wording.template, ticket, window)
    return Announcement(
        id=row.id,
        at=row.at,
        ticket_id=row.ticket_id,
        ticket=ticket,
        queue=row.queue or ticket[:1],
        window_no=window,
        recall=row.object_id == RECALL,
        text=announce.shown(wording.template, ticket, window),
        spoken=spoken,
        pinyin=announce.pinyin(spoken),
        text_en=(
            announce.spoken_en(wording.template_en, ticket, window) if wording.template_en else None
        ),
        audio=f"/v1/announcements/{row.id}",
    )


def feed(
    conn: Connection, now: Any, wording: Wording, after: int | None, limit: int
) -> tuple[list[Announcement], int]:
    """Today's calls after `after` (oldest first), or the last `limit` of today when None;
    and the cursor for next time."""
    since, _end = day_bounds(service_day(now))
    last_id = int(conn.execute(_LAST_ID).scalar_one())
    if after is None:
        params = {"floor": max(0, last_id - SCAN_EVENTS), "since": since, "limit": limit}
        latest = conn.execute(_LATEST, params).all()
        return [_model(r, wording) for r in reversed(latest)], last_id
    rows = conn.execute(_AFTER, {"after": after, "since": since, "limit": limit}).all()
    found = [_model(r, wording) for r in rows]
    if len(found) == limit:
        return found, found[-1].id  # more may follow: the caller asks again from here
    return found, max(after, last_id, found[-1].id if found else 0)


def one(conn: Connection, wording: Wording, announcement_id: int) -> Announcement:
    row = conn.execute(_ONE, {"id": announcement_id}).first()
    if row is None:
        raise NotFound(
            f"There is no announcement {announcement_id}.",
            reason="no_announcement",
            params={"id": announcement_id},
        )
    return _model(row, wording)


def audio(voice: Voice, wording: Wording, item: Announcement) -> bytes:
    text = item.pinyin if wording.voice_input == "pinyin" else item.spoken
    return voice.wav(text, item.text_en)
