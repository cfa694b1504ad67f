"""GET /v1/events (Server-Sent Events) and GET /v1/events/poll (the polling fallback); the event
log itself is central.events."""

from __future__ import annotations

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from central.deps import CurrentActor, StoreDep
from central.errors import AUTHED
from central.event_hub import event_stream
from central.events import PAGE, events_after, last_event_id
from client.models import EventsPage

router = APIRouter(prefix="/v1", tags=["live"])

MAX_ID = 2**63 - 1


def _parse_last_id(value: str | None) -> int | None:
    try:
        parsed = int(value) if value is not None else None
    except ValueError:
        return None  # a garbled header: follow from now rather than fail the stream
    return parsed if parsed is not None and 0 <= parsed <= MAX_ID else None


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "id: N / event: <type> / data: <Event JSON>; `: ping` every 15 s",
        },
        **AUTHED,
    },
)
def events(
    _actor: CurrentActor,
    store: StoreDep,
    last_event_id_header: str | None = Header(default=None, alias="Last-Event-ID"),
) -> StreamingResponse:
    """The hall's live events. With Last-Event-ID, stored events after it are replayed first."""
    return StreamingResponse(
        event_stream(store, _parse_last_id(last_event_id_header)),
        media_type="text/event-stream",
        headers={
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
            # Terminals treat two missed heartbeats as a lost link (client/live.py).
            "X-Heartbeat": f"{store.settings.heartbeat_s:g}",
        },
    )


@router.get("/events/poll", response_model=EventsPage, responses=AUTHED)
def poll(
    _actor: CurrentActor,
    store: StoreDep,
    after: int | None = Query(
        default=None,
        ge=0,
        lt=MAX_ID + 1,
        description="the last event id seen; omitted: no events, just the current last id",
    ),
    limit: int = Query(default=PAGE, ge=1, le=PAGE),
) -> EventsPage:
    """Events after `after`, oldest first (at most `limit`); last_id is the cursor for next time."""
    with store.read() as conn:
        if after is None:
            return EventsPage(events=[], last_id=last_event_id(conn))
        found = events_after(conn, after, limit)
        if not found and after > (newest := last_event_id(conn)):
            # An id this database never had (a new or restored one): start over from its end.
            return EventsPage(events=[], last_id=newest)
    return EventsPage(events=found, last_id=found[-1].id if found else after)
