"""Wire models of the hall's devices and its display feed: device sessions and announcements.

A device (display board, kiosk, rating pad) signs in with its device account; a browser page
gets an HttpOnly session cookie the server can revoke, never a token in its URL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from client.models import Wire

DeviceKind = Literal["kiosk", "pad", "display"]


class DeviceSignIn(Wire):
    staff_no: str = Field(min_length=1, max_length=32, description="the device account")
    password: str = Field(min_length=1, max_length=256)
    kind: DeviceKind | None = Field(
        default=None, description="the page's device kind; another kind's account is refused"
    )


class DeviceSession(Wire):
    staff_no: str
    name: str
    kind: DeviceKind | None = None
    hall: str
    expires_at: datetime | None = None


class Announcement(Wire):
    """One call or recall to announce, in call order (its id is the ticket.called event's)."""

    id: int
    at: datetime
    ticket_id: int
    ticket: str = Field(description="the ticket number, e.g. A012")
    queue: str
    window_no: int
    recall: bool = Field(description="a recall (重呼): announced again")
    text: str = Field(description="the sentence as shown: 请A012号到5号窗口办理")
    spoken: str = Field(
        description="as spoken, digits one by one: 请 A 零 一 二 号到 五 号窗口办理"
    )
    pinyin: str = Field(description="`spoken` in pinyin with tone numbers, for espeak-ng")
    text_en: str | None = Field(
        default=None, description="the English sentence, if the hall has one"
    )
    audio: str = Field(description="path of the rendered WAV (chime, then the sentence)")


class AnnouncementsPage(Wire):
    announcements: list[Announcement]
    last_id: int = Field(description="the cursor for ?after= next time")
    voice: Literal["on", "off"]
    voice_note: str | None = Field(default=None, description="why the voice is off")
