"""The display feed (GET /v1/announcements) and each call's audio (GET /v1/announcements/{id})."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response

from central import announcements as feed
from central.deps import CurrentActor, StoreDep
from central.errors import AUTHED, AUTHED_404
from central.voice import Voice
from client.display_models import AnnouncementsPage

router = APIRouter(prefix="/v1", tags=["display"])


def _wording(request: Request) -> feed.Wording:
    wording: feed.Wording = request.app.state.wording
    return wording


def _voice(request: Request) -> Voice:
    voice: Voice = request.app.state.voice
    return voice


@router.get("/announcements", response_model=AnnouncementsPage, responses=AUTHED)
def announcements(
    request: Request,
    _actor: CurrentActor,
    store: StoreDep,
    after: int | None = Query(
        default=None,
        ge=0,
        lt=2**63,
        description="the last announcement id seen; omitted: today's last `limit` calls",
    ),
    limit: int = Query(default=20, ge=1, le=100),
) -> AnnouncementsPage:
    """Today's calls and recalls in call order, each with its sentence (shown, spoken, pinyin)."""
    with store.read() as conn:
        found, last_id = feed.feed(conn, store.now(), _wording(request), after, limit)
    note = _voice(request).note
    return AnnouncementsPage(
        announcements=found, last_id=last_id, voice="off" if note else "on", voice_note=note
    )  # fmt: skip


@router.get(
    "/announcements/{announcement_id}",
    response_class=Response,
    responses={
        200: {"content": {"audio/wav": {}}, "description": "chime, then the sentence (WAV)"},
        **AUTHED_404,
    },
)
def announcement_audio(
    request: Request,
    _actor: CurrentActor,
    store: StoreDep,
    announcement_id: int = Path(ge=1, lt=2**63),
    if_none_match: str | None = Header(default=None, alias="If-None-Match"),
) -> Response:
    """The call as audio the central renders (browsers on Linux often have no voices)."""
    wording = _wording(request)
    with store.read() as conn:
        item = feed.one(conn, wording, announcement_id)
    voice = _voice(request)
    tag = (
        '"'
        + hashlib.sha256(f"{item.pinyin}|{item.text_en}|{voice.note}".encode()).hexdigest()[:32]
        + '"'
    )
    headers = {"Cache-Control": "private, max-age=86400", "ETag": tag}
    if voice.note:
        headers["X-Counter-Voice"] = voice.note
    if if_none_match == tag:
        return Response(status_code=304, headers=headers)
    return Response(feed.audio(voice, wording, item), media_type="audio/wav", headers=headers)
