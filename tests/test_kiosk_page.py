"""The /kiosk page in a real headless Chromium against the central over real HTTP: a tap issues
a ticket a clerk's call-next then calls, a double tap gives one ticket, a queue at its daily cap
says so and the API refuses it, the green channel is flagged, appointments check in by code and
by phone (and too early is refused in a sentence), the slip prints alone on one ticket-sized
page; screenshots in zh and en, both orientations."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from central.app import create_app
from central.settings import Settings
from client.hall_time import HALL_TZ
from tests.browser import (
    Hall,
    artifacts_dir,
    assert_whole,
    chromium,
    device_hall,
    keep_artifact,
    live_server,
    shoot,
    sign_in_device,
)


def _issued(hall: Hall, prefix: str) -> int:
    queues = hall.get("2001", "/v1/queues").json()["queues"]
    return int(next(q["issued_today"] for q in queues if q["prefix"] == prefix))


def _book(hall: Hall, queue: str, phone: str, start_in: timedelta) -> str:
    start = datetime.now(timezone.utc) + start_in
    body = {
        "queue": queue,
        "slot_start": start.isoformat(),
        "slot_end": (start + timedelta(minutes=30)).isoformat(),
        "phone": phone,
        "name": "李四",
    }
    return str(hall.post("2001", "/v1/appointments", json=body).json()["code"])


KIOSK_PARTS = (
    "header > *", ".prompt", ".queue", ".queue span", "#green", "#appointment", ".note",
    ".slip > *", ".panel > *", ".key", ".said",
)  # fmt: skip


def _look(page: Any, name: str) -> None:
    """Nothing on the kiosk's screen cut off or off the screen; a screenshot kept."""
    assert_whole(page, *KIOSK_PARTS)
    shoot(page, name)


def _soon_today() -> timedelta:
    """A slot 10 minutes from now, unless that is past the hall's midnight (a phone number finds
    only the day's appointments): then one that began a minute ago."""
    now = datetime.now(HALL_TZ)
    soon = timedelta(minutes=10)
    return soon if (now + soon).date() == now.date() else timedelta(minutes=-1)


def _prints_the_slip_alone_ticket_sized(page: Any) -> None:
    """What the kiosk's browser prints: one 80 × 120 mm page (the receipt roll's @page) with the
    slip alone, its Done button left off."""
    page.emulate_media(media="print")
    try:
        assert page.is_hidden("#queues") and page.is_hidden("#green")
        assert page.is_visible("#slip-number") and page.is_visible("#slip-bring")
        assert page.is_hidden("#slip-done")
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        page.emulate_media(media="screen")
    pages = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(pages) == 1, f"the slip took {len(pages)} pages"
    width, height = (float(n) * 25.4 / 72 for n in pages[0])  # points → mm
    assert abs(width - 80) < 1 and abs(height - 120) < 1, (width, height)
    shot = artifacts_dir() / "kiosk-slip-print.pdf"
    shot.write_bytes(pdf)
    keep_artifact(shot)


def _type(page: object, digits: str) -> None:
    for d in digits:
        page.click(f"#keypad button[data-key='{d}']")  # type: ignore[attr-defined]


def test_kiosk_page_in_chromium(tmp_path: Path) -> None:
    settings = Settings(
        db_path=str(tmp_path / "c.db"), seed=str(device_hall(tmp_path)), kdf_fast=True
    )
    app = create_app(settings)
    with live_server(app) as server, chromium() as browser:
        hall = Hall(server.url)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, has_touch=True)
        sign_in_device(page, f"{server.url}/kiosk?print=0", "kiosk01")
        page.wait_for_selector("#queues button[data-queue=A]:has-text('等候 0 人')")
        _look(page, "kiosk-zh-1280x800")

        # A double tap is one ticket: the second tap lands while the first is out.
        page.dblclick("#queues button[data-queue=A]")
        page.wait_for_selector("#slip:not([hidden])")
        assert page.text_content("#slip-number") == "A001"
        assert page.text_content("#slip-ahead") == "您前面还有 0 人"
        assert "身份证" in (page.text_content("#slip-bring") or "")
        _look(page, "kiosk-slip-zh-1280x800")
        _prints_the_slip_alone_ticket_sized(page)
        page.tap("#slip-done")
        assert _issued(hall, "A") == 1

        # A second citizen by touch: one ahead now.
        page.tap("#queues button[data-queue=A]")
        page.wait_for_selector("#slip-number:has-text('A002')")
        assert page.text_content("#slip-ahead") == "您前面还有 1 人"
        page.click("#slip-done")

        # The clerk's call-next calls the kiosk's first ticket.
        hall.post("1001", "/v1/windows/1/sign-on")
        assert hall.post("1001", "/v1/windows/1/call-next").json()["number"] == "A001"
        page.wait_for_selector("#queues button[data-queue=A]:has-text('等候 1 人')")

        # Queue D takes one ticket a day: then its button says so and the API refuses.
        page.click("#queues button[data-queue=D]")
        page.wait_for_selector("#slip-number:has-text('D001')")
        page.click("#slip-done")
        page.wait_for_selector("#queues button[data-queue=D][disabled]:has-text('今日号已发完')")
        refused = hall.post("kiosk01", "/v1/tickets", ok=False, json={"queue": "D"})
        assert refused.status_code == 409
        assert refused.json()["error"]["reason"] == "queue_issued_all_tickets_today"
        assert _issued(hall, "D") == 1

        # Green channel: chosen on screen, flagged on the ticket for the clerk to confirm.
        page.click("#green")
        page.click("#queues button[data-queue=C]")
        page.wait_for_selector("#slip-kind:has-text('绿色通道')")
        assert page.text_content("#slip-green") == "请向窗口出示相关证件"
        number = page.text_content("#slip-number")
        page.click("#slip-done")
        assert page.get_attribute("#green", "aria-pressed") == "false"
        tickets = hall.get("2001", "/v1/hall").json()  # the hall still answers
        assert tickets["name"]
        # Appointments: by booking code, by phone, and too early is refused in a sentence.
        code = _book(hall, "B", "13800138000", timedelta(minutes=-5))
        _book(hall, "E", "13900139000", _soon_today())
        later = _book(hall, "B", "13700137000", timedelta(hours=5))
        page.click("#appointment")
        _type(page, later)
        page.click("#check-in-ok")
        page.wait_for_selector("#check-in-said:has-text('预约时段')")
        _look(page, "kiosk-check-in-zh-1280x800")
        page.click("#keypad button[data-key=del]")
        for _ in range(6):
            page.click("#keypad button[data-key=del]")
        _type(page, code)
        page.click("#check-in-ok")
        page.wait_for_selector("#slip-kind:has-text('预约')")
        assert (page.text_content("#slip-number") or "").startswith("B")
        page.click("#slip-done")
        page.click("#appointment")
        _type(page, "13900139000")
        page.dblclick("#check-in-ok")
        page.wait_for_selector("#slip-number:has-text('E001')")
        page.click("#slip-done")
        assert _issued(hall, "E") == 1
        assert number and number.startswith("C")

        # English, switched on screen; then both orientations.
        page.click("#lang")
        page.wait_for_selector("#queues button[data-queue=D]:has-text('No more tickets today')")
        _look(page, "kiosk-en-1280x800")
        page.set_viewport_size({"width": 800, "height": 1280})
        _look(page, "kiosk-en-800x1280")
        page.click("#queues button[data-queue=F]")
        page.wait_for_selector("#slip-ahead:has-text('0 ahead of you')")
        _look(page, "kiosk-slip-en-800x1280")
        page.click("#slip-done")
        page.wait_for_selector("#prompt:has-text('请选择')")
        _look(page, "kiosk-zh-800x1280")
        page.click("#appointment")
        _type(page, "123456")
        page.click("#check-in-ok")
        page.wait_for_selector("#check-in-said:has-text('预约码')")
        _look(page, "kiosk-check-in-zh-800x1280")
        page.click("#check-in-cancel")
        page.click("#lang")
        page.click("#appointment")
        page.wait_for_selector("#check-in-ok:has-text('Check in')")
        _type(page, "123456")
        page.click("#check-in-ok")
        page.wait_for_selector("#check-in-said:has-text('code')")
        _look(page, "kiosk-check-in-en-800x1280")
        page.set_viewport_size({"width": 1280, "height": 800})
        _look(page, "kiosk-check-in-en-1280x800")
        page.click("#check-in-cancel")
        _look(page, "kiosk-en-1280x800-after")
