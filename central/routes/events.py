"""GET /v1/events (Server-Sent Events) and GET /v1/events/poll (the polling fallback); the event
log itself is central.events."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Header, Query
from fastapi.responses import Response, StreamingResponse

from central.deps import CurrentActor, StoreDep
from central.errors import AUTHED
from central.event_hub import stream
from central.event_streams import Receive, Send
from central.events import PAGE, events_after, last_event_id
from central.store import Store
from client.models import EventsPage

router = APIRouter(prefix="/v1", tags=["live"])

MAX_ID = 2**63 - 1


class LiveStream(Response):
    """The SSE response: the hub writes to this connection itself (central.event_streams)."""

    def __init__(self, store: Store, last_id: int | None) -> None:
        super().__init__(
            media_type="text/event-stream",
            headers={
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
                # Terminals treat two missed heartbeats as a lost link (client/live.py).
                "X-Heartbeat": f"{store.settings.heartbeat_s:g}",
            },
        )
        del self.headers["content-length"]  # an endless body
        self.store, self.last_id = store, last_id

    async def __call__(self, scope: Any, receive: Receive, send: Send) -> None:
        await stream(self.store, self.last_id, self.raw_headers, receive, send)


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
async def events(
    _actor: CurrentActor,
    store: StoreDep,
    last_event_id_header: str | None = Header(default=None, alias="Last-Event-ID"),
) -> Response:
    """The hall's live events. With Last-Event-ID, stored events after it are replayed first."""
    return LiveStream(store, _parse_last_id(last_event_id_header))


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
