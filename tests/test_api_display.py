"""The display feed and device sessions through the real API, in-process: announcements in
call order under a burst, recalls announced again, the WAV the central renders with real
espeak-ng, and device sign-in by cookie (revocable, reads only, never a person's account)."""

from __future__ import annotations

import asyncio
import io
import shutil
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from central.app import create_app
from central.settings import Settings
from central.voice import chime
from client.asgi import StreamingASGITransport
from client.display_api import announcement_audio, announcements
from tests.conftest import ClientFactory
from tests.system_parts import require

Headers = dict[str, str]


@asynccontextmanager
async def _signed_in(
    settings: Settings,
) -> AsyncIterator[tuple[httpx.AsyncClient, Headers, Headers, Headers]]:
    """The central in-process over HTTP, with the kiosk, clerk 1005 and the board signed in."""
    app = create_app(settings)
    async with httpx.AsyncClient(
        transport=StreamingASGITransport(app), base_url="http://central.test"
    ) as http:

        async def login(who: str) -> Headers:
            r = await http.post("/v1/auth/login", json={"staff_no": who, "password": "counter"})
            return {"Authorization": f"Bearer {r.json()['token']}"}

        yield http, await login("kiosk01"), await login("1005"), await login("display01")


def _seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        return w.getnframes() / w.getframerate()


async def _open_window(make_client: ClientFactory, staff_no: str, window: int) -> Any:
    clerk = await make_client(staff_no)
    await clerk.sign_on(window)
    return clerk


async def test_recall_is_announced_again_in_order(make_client: ClientFactory) -> None:
    kiosk = await make_client("kiosk01")
    first = await kiosk.issue_ticket("A")
    clerk = await _open_window(make_client, "1005", 5)
    display = await make_client("display01")
    start = await announcements(display)
    assert start.announcements == []
    called = await clerk.call_next(5)
    assert called is not None and called.number == first.number
    await clerk.recall(called.id)
    page = await announcements(display, after=start.last_id)
    assert [(a.ticket, a.window_no, a.recall) for a in page.announcements] == [
        (first.number, 5, False),
        (first.number, 5, True),
    ]
    one = page.announcements[0]
    assert one.text == f"请{first.number}号到5号窗口办理"
    digits = " ".join("零一二三四五六七八九"[int(c)] for c in first.number[1:])
    assert one.spoken == f"请 A {digits} 号到 五 号窗口办理"
    assert one.pinyin.startswith("qing3 A ling2 ling2 yi1 hao4 dao4 wu3 hao4")
    assert one.pinyin.endswith("chuang1 kou3 ban4 li3")
    # Nothing new after the cursor; the latest calls come back without one.
    again = await announcements(display, after=page.last_id)
    assert again.announcements == []
    latest = await announcements(display, limit=1)
    assert [a.id for a in latest.announcements] == [page.announcements[-1].id]


async def test_burst_of_ten_calls_keeps_call_order(make_client: ClientFactory) -> None:
    kiosk = await make_client("kiosk01")
    for queue in "AAAAAAAAABBBCCCDD":
        await kiosk.issue_ticket(queue)
    clerks = [await _open_window(make_client, f"10{n:02d}", n) for n in range(1, 11)]
    display = await make_client("display01")
    cursor = (await announcements(display)).last_id
    called = await asyncio.gather(*(c.call_next(n) for n, c in enumerate(clerks, start=1)))
    assert all(t is not None for t in called)
    page = await announcements(display, after=cursor, limit=100)
    got = [(a.ticket, a.window_no) for a in page.announcements]
    assert len(got) == 10 and len(set(got)) == 10
    assert sorted(got) == sorted((t.number, t.window_no) for t in called if t)
    # Call order is the order the central committed the calls (the audit trail's order).
    supervisor = await make_client("2001")
    trail = [r for r in await supervisor.audit() if r.action == "ticket.call"]
    assert [a.ticket_id for a in page.announcements] == [int(r.object_id) for r in trail]
    ids = [a.id for a in page.announcements]
    assert ids == sorted(ids)
    # Paging with a small limit gives the same sequence.
    paged: list[int] = []
    after = cursor
    while True:
        part = await announcements(display, after=after, limit=3)
        paged += [a.id for a in part.announcements]
        if not part.announcements:
            break
        after = part.last_id
    assert paged == ids


async def test_announcement_audio_is_a_plausible_wav(make_client: ClientFactory) -> None:
    require("espeak-ng", shutil.which("espeak-ng") is not None, "the voice renders with it")
    kiosk = await make_client("kiosk01")
    await kiosk.issue_ticket("A")
    clerk = await _open_window(make_client, "1005", 5)
    await clerk.call_next(5)
    display = await make_client("display01")
    page = await announcements(display)
    assert page.voice == "on" and page.voice_note is None
    data = await announcement_audio(display, page.announcements[-1].id)
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    bell = chime().seconds
    total = _seconds(data)
    # The chime, then about a dozen syllables: 2–6 s of speech at espeak-ng's pace.
    assert bell + 2.0 < total < bell + 8.0, total
    # Cached: the same bytes again, and a 304 for the browser's ETag.
    response = await display.http.get(page.announcements[-1].audio, headers=display.auth_headers())
    assert response.content == data and response.headers["content-type"] == "audio/wav"
    etag = response.headers["etag"]
    again = await display.http.get(
        page.announcements[-1].audio, headers={**display.auth_headers(), "If-None-Match": etag}
    )
    assert again.status_code == 304


async def test_without_a_speech_engine_the_audio_is_the_chime(tmp_path: Path, clock: Any) -> None:
    settings = Settings(
        db_path=str(tmp_path / "c.db"), seed="demo", clock=clock, kdf_fast=True,
        voice_command="no-such-speech-engine --stdout",
    )  # fmt: skip
    async with _signed_in(settings) as (http, kiosk, clerk, board):
        key = iter(range(100))
        await http.post(
            "/v1/tickets",
            json={"queue": "A"},
            headers={**kiosk, "Idempotency-Key": f"k{next(key)}"},
        )
        await http.post("/v1/windows/5/sign-on", headers={**clerk, "Idempotency-Key": "s"})
        await http.post("/v1/windows/5/call-next", headers={**clerk, "Idempotency-Key": "c"})
        page = (await http.get("/v1/announcements", headers=board)).json()
        assert page["voice"] == "off"
        assert page["voice_note"] == "voice off: no-such-speech-engine not found"
        audio = await http.get(page["announcements"][0]["audio"], headers=board)
        assert audio.status_code == 200
        assert audio.headers["x-counter-voice"] == page["voice_note"]
        assert abs(_seconds(audio.content) - chime().seconds) < 0.01


async def test_the_halls_own_template_with_the_digits_one_by_one(
    tmp_path: Path, clock: Any
) -> None:
    settings = Settings(
        db_path=str(tmp_path / "c.db"), seed="demo", clock=clock, kdf_fast=True,
        voice_template="{ticket}号，请到{window}号窗口",
        voice_template_en="Number {ticket}, window {window} please.",
    )  # fmt: skip
    async with _signed_in(settings) as (http, kiosk, clerk, board):
        for n in range(12):
            await http.post(
                "/v1/tickets", json={"queue": "A"}, headers={**kiosk, "Idempotency-Key": f"k{n}"}
            )
        await http.post("/v1/windows/5/sign-on", headers={**clerk, "Idempotency-Key": "s"})
        for n in range(12):  # the twelfth call is A012 (the earlier ones the citizens missed)
            called = await http.post(
                "/v1/windows/5/call-next", headers={**clerk, "Idempotency-Key": f"c{n}"}
            )
            assert called.status_code == 200, called.text
            if n < 11:
                ticket = called.json()["id"]
                await http.post(
                    f"/v1/tickets/{ticket}/no-show", headers={**clerk, "Idempotency-Key": f"m{n}"}
                )
        last = (await http.get("/v1/announcements", headers=board)).json()["announcements"][-1]
        assert (last["ticket"], last["window_no"]) == ("A012", 5)
        assert last["text"] == "A012号，请到5号窗口"
        assert last["spoken"] == "A 零 一 二 号，请到 五 号窗口"
        assert last["pinyin"].startswith("A ling2 yi1 er4 hao4")
        assert last["text_en"] == "Number A 0 1 2, window 5 please."  # one by one too


def test_a_bad_template_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"only \{ticket\} and \{window\}"):
        create_app(
            Settings(db_path=str(tmp_path / "c.db"), seed="demo", kdf_fast=True,
                     voice_template="请{number}号到{window}号窗口")
        )  # fmt: skip


# --- device sessions --------------------------------------------------------------------------


async def _sign_in(
    http: httpx.AsyncClient, who: str, kind: str | None = "display"
) -> httpx.Response:
    body: dict[str, Any] = {"staff_no": who, "password": "counter"}
    if kind:
        body["kind"] = kind
    return await http.post("/v1/devices/sign-in", json=body)


async def test_device_sign_in_cookie_reads_only_and_revocable(
    make_client: ClientFactory, central_app: Any, clock: Any
) -> None:
    transport = StreamingASGITransport(central_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as page:
        answer = await _sign_in(page, "display01")
        assert answer.status_code == 200, answer.text
        cookie = answer.headers["set-cookie"]
        assert "counter_device=" in cookie and "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower()
        assert "token" not in answer.json()  # the token never reaches the page's script
        assert answer.json()["kind"] == "display"
        # A device runs unattended: its session lasts the device ttl (30 days), not a shift.
        expires = datetime.fromisoformat(answer.json()["expires_at"].replace("Z", "+00:00"))
        assert expires - clock.now == timedelta(days=30)
        assert (await page.get("/v1/devices/me")).json()["staff_no"] == "display01"
        # The cookie reads the hall's feed and events …
        assert (await page.get("/v1/announcements")).status_code == 200
        assert (await page.get("/v1/events/poll")).status_code == 200
        assert (await page.get("/v1/queues")).status_code == 200
        # … but never writes, even where a device token could.
        refused = await page.post(
            "/v1/tickets", json={"queue": "A"}, headers={"Idempotency-Key": "x"}
        )
        assert refused.status_code == 401
        # A supervisor signs the display out everywhere: the page is refused at once.
        supervisor = await make_client("2001")
        r = await supervisor.http.post(
            "/v1/devices/display01/sign-out",
            headers={**supervisor.auth_headers(), "Idempotency-Key": "so"},
        )
        assert r.status_code == 204
        assert (await page.get("/v1/announcements")).status_code == 401
        assert (await page.get("/v1/devices/me")).status_code == 401
        # Signed in again, the page signs itself out.
        assert (await _sign_in(page, "display01")).status_code == 200
        assert (await page.post("/v1/devices/sign-out")).status_code == 204
        assert (await page.get("/v1/devices/me")).status_code == 401


async def test_people_and_other_devices_cannot_sign_in_the_display(central_app: Any) -> None:
    transport = StreamingASGITransport(central_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as page:
        person = await _sign_in(page, "1005")
        assert person.status_code == 403 and "person" in person.json()["error"]["message"]
        assert "set-cookie" not in person.headers
        kiosk = await _sign_in(page, "kiosk01")
        assert kiosk.status_code == 403 and "display" in kiosk.json()["error"]["message"]
        wrong = await page.post(
            "/v1/devices/sign-in", json={"staff_no": "display01", "password": "nope"}
        )
        assert wrong.status_code == 401
        assert (await page.get("/v1/devices/me")).status_code == 401
        clerk = await page.post("/v1/devices/display01/sign-out", headers={"Idempotency-Key": "z"})
        assert clerk.status_code == 401


async def test_the_display_page_and_its_files(central_app: Any) -> None:
    transport = StreamingASGITransport(central_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as http:
        page = await http.get("/display")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "http" not in policy
        assert "<script" in page.text and "http://" not in page.text and "https://" not in page.text
        for name in ("display.js", "display.css", "device.js"):
            r = await http.get(f"/static/{name}")
            assert r.status_code == 200, name
            assert "https://" not in r.text  # no CDN, nothing from the internet
        for bad in ("..%2Fapp.py", ".hidden.js", "nope.js", "voice.py"):
            assert (await http.get(f"/static/{bad}")).status_code == 404
