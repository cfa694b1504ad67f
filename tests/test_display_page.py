"""The /display page in a real headless Chromium against the central over real HTTP: device
sign-in (a person's account refused), a call through the API shows within 1 s and its audio
plays, a recall flashes, the connection drops and comes back by itself; a busy board whole on
a landscape and a portrait screen in zh and en; screenshots kept."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from central.app import create_app
from central.settings import Settings
from tests.browser import (
    Hall,
    artifacts_dir,
    assert_whole,
    chromium,
    keep_artifact,
    live_server,
    shoot,
)

# Records when each number first appears as the latest call (the page's own clock).
WATCH = """() => {
  window.__shown = {};
  const box = document.getElementById('latest-ticket');
  new MutationObserver(() => {
    const t = box.textContent;
    if (t && !(t in window.__shown)) window.__shown[t] = Date.now();
  }).observe(box, {childList: true, characterData: true, subtree: true});
}"""


def _call(hall: Hall, page: Any, clerk: str, window: int) -> tuple[str, float]:
    """Call the next ticket at a window; its number and the ms until the page showed it."""
    sent = time.time() * 1000
    number = hall.post(clerk, f"/v1/windows/{window}/call-next").json()["number"]
    page.wait_for_function("(n) => window.__shown && n in window.__shown", arg=number, timeout=5000)
    return number, page.evaluate("(n) => window.__shown[n]", number) - sent


def test_display_page_in_chromium(tmp_path: Path) -> None:
    app = create_app(Settings(db_path=str(tmp_path / "c.db"), seed="demo", kdf_fast=True))
    with live_server(app) as server:
        hall_setup = Hall(server.url)
        for _ in range(4):
            hall_setup.post("kiosk01", "/v1/tickets", json={"queue": "A"})
        hall_setup.post("1005", "/v1/windows/5/sign-on")
        hall_setup.post("1004", "/v1/windows/4/sign-on")
        cookies = _signed_in_cookies(server.url)
        with chromium() as browser:
            _board(server, browser, hall_setup, cookies)
            _whole_on_both_screens(server, browser, hall_setup, cookies)


def _signed_in_cookies(url: str) -> list[Any]:
    """Sign the display in on its page (a person's account refused first); the cookies."""
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{url}/display?lang=en")
        page.wait_for_selector("#device-sign-in")
        page.fill("input[name=staff_no]", "1005")
        page.fill("input[name=password]", "counter")
        page.click("#device-sign-in button")
        page.wait_for_selector(".device-error:has-text('person')")
        page.fill("input[name=staff_no]", "display01")
        page.fill("input[name=password]", "counter")
        page.click("#device-sign-in button")
        page.wait_for_selector("#board:not([hidden])")
        cookies: list[Any] = page.context.cookies()
        return cookies


def _idle_until(page: Any, condition: Any, what: str, seconds: float = 60) -> None:
    """Wait without running script in the page (a timer in the driver, no user gesture)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the display page never asked for {what}")
        page.wait_for_timeout(50)


def _board(server: Any, browser: Any, hall: Hall, cookies: list[Any]) -> None:
    # The box restarts: a new browser with only the stored cookie, nobody has clicked yet.
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.context.add_cookies(cookies)
    audio: list[str] = []
    page.on(
        "response",
        lambda r: audio.append(r.url) if r.headers.get("content-type") == "audio/wav" else None,
    )
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{server.url}/display?lang=en")
    # Playwright's script waits run with a user gesture, which would unlock sound: until the
    # first call has tried to play, wait only on what the page asks the central for.
    _idle_until(page, lambda: any(u.endswith("/v1/events") for u in asked), "the event stream")
    page.wait_for_timeout(1000)  # the stream's subscription lands just after its request
    first = hall.post("1005", "/v1/windows/5/call-next").json()["number"]
    _idle_until(page, lambda: any("/v1/announcements?after=" in u for u in asked), "catch-up")
    page.wait_for_timeout(1000)  # the call's play() is tried as soon as its catch-up answers
    assert page.query_selector("#device-sign-in") is None
    page.wait_for_selector(f"#latest-ticket:has-text('{first}')")
    assert page.text_content("#latest-window") == "Window 5"
    assert page.get_attribute("body", "data-connection") == "live"
    page.wait_for_selector("#hall:has-text('某市政务服务中心')")
    page.wait_for_selector("#waiting li[data-queue=A] b:has-text('3')")
    # The browser refused sound without a click: the page asks for one, then plays the call.
    page.wait_for_selector("#sound:not([hidden])")
    assert page.text_content("#sound") == "Click to enable sound"
    page.click("#sound")
    page.wait_for_selector("#sound", state="hidden")
    page.wait_for_function("() => Number(document.body.dataset.voicePlayed) >= 1", timeout=15000)
    assert any("/v1/announcements/" in url for url in audio)
    page.evaluate(WATCH)

    second, latency2 = _call(hall, page, "1004", 4)
    assert latency2 < 1000, f"call → shown took {latency2:.0f} ms"
    latency = latency2
    assert page.text_content("#recent li .num") == first
    # A recall of the earlier ticket moves it back to the top and flashes.
    ticket_id = hall.http.get(
        "/v1/windows/5", headers={"Authorization": f"Bearer {hall.tokens['1005']}"}
    ).json()["current_ticket"]["id"]
    hall.post("1005", f"/v1/tickets/{ticket_id}/recall")
    page.wait_for_function(
        "(t) => document.getElementById('latest-ticket').textContent === t", arg=first
    )
    assert "flash" in (page.get_attribute("section.latest", "class") or "")
    assert page.text_content("#recent li .num") == second

    # The connection drops: the page says so, then recovers by itself.
    server.stop()
    page.wait_for_selector("#lost:not([hidden])", timeout=10000)
    assert page.text_content("#lost") == "Connection lost — reconnecting…"
    shot = artifacts_dir() / "display-page-lost.png"
    page.screenshot(path=str(shot))
    keep_artifact(shot)
    server.start()
    page.wait_for_selector("#lost", state="hidden", timeout=15000)
    hall.post("1004", f"/v1/tickets/{_current(hall, '1004', 4)}/start")
    hall.post("1004", f"/v1/tickets/{_current(hall, '1004', 4)}/finish")
    # A zone board in Chinese beside it: window 4 only (A001 at window 5 is not its call).
    zone_box = browser.new_context(viewport={"width": 1280, "height": 720})
    zone_box.add_cookies(cookies)
    zone = zone_box.new_page()
    zone.goto(f"{server.url}/display?lang=zh&windows=4&voice=0")
    zone.wait_for_selector(f"#latest-ticket:has-text('{second}')")
    assert zone.text_content("#latest-window") == "4 号窗口"
    assert zone.text_content("#zone") == "窗口 4"
    assert zone.query_selector_all("#recent li") == []
    third, latency3 = _call(hall, page, "1004", 4)
    assert page.text_content("#latest-window") == "Window 4" and third != first
    assert latency3 < 1000, f"after reconnecting, call → shown took {latency3:.0f} ms"
    zone.wait_for_selector(f"#latest-ticket:has-text('{third}')")
    assert zone.text_content("#recent li .num") == second
    shot = artifacts_dir() / "display-page-zone-zh.png"
    zone.screenshot(path=str(shot))
    keep_artifact(shot)

    shot = artifacts_dir() / "display-page.png"
    page.screenshot(path=str(shot))
    keep_artifact(shot)
    print(f"call → shown: {latency:.0f} ms, {latency2:.0f} ms, {latency3:.0f} ms")


def _current(hall: Hall, clerk: str, window: int) -> int:
    answer = hall.http.get(
        f"/v1/windows/{window}", headers={"Authorization": f"Bearer {hall.tokens[clerk]}"}
    )
    return int(answer.json()["current_ticket"]["id"])


BOARD_PARTS = ("header span", ".latest", ".latest div", ".recent", "#recent li", "footer li")


def _whole_on_both_screens(server: Any, browser: Any, hall: Hall, cookies: list[Any]) -> None:
    """A busy hall on a landscape and a portrait screen, zh and en: more recent calls than the
    panel holds (the oldest left off, none cut in half), nothing off the screen or clipped."""
    for _ in range(12):
        hall.post("kiosk01", "/v1/tickets", json={"queue": "A"})
    hall.post("1001", "/v1/windows/1/sign-on")
    for _ in range(10):
        ticket = hall.post("1001", "/v1/windows/1/call-next").json()
        hall.post("1001", f"/v1/tickets/{ticket['id']}/no-show")
    for lang in ("zh", "en"):
        box = browser.new_context(viewport={"width": 1280, "height": 800})
        box.add_cookies(cookies)
        page = box.new_page()
        page.goto(f"{server.url}/display?lang={lang}&voice=0&n=20")
        page.wait_for_selector("#recent li")
        page.wait_for_selector("#waiting li")
        for width, height in ((1280, 800), (800, 1280)):
            page.set_viewport_size({"width": width, "height": height})
            assert_whole(page, *BOARD_PARTS)
            shown = page.locator("#recent li:not([hidden])").count()
            assert 3 <= shown < page.locator("#recent li").count(), shown
            shoot(page, f"display-page-{lang}-{width}x{height}")
        box.close()


def test_a_central_back_on_a_restored_database_starts_the_page_over(tmp_path: Path) -> None:
    """The central comes back on a restored database (a backup from before the morning's
    calls, the display's session in it): the page, whose stream and cursor are past every id
    the restored database has, starts over from the new feed and shows the next call."""
    import sqlite3

    def central(name: str) -> Any:
        return create_app(Settings(db_path=str(tmp_path / name), seed="demo", kdf_fast=True))

    with live_server(central("c.db")) as server:
        hall = Hall(server.url)
        for _ in range(6):
            hall.post("kiosk01", "/v1/tickets", json={"queue": "A"})
        hall.post("1005", "/v1/windows/5/sign-on")
        cookies = _signed_in_cookies(server.url)
        # The backup: the clerk's and the display's sessions in it, no call yet.
        live, copy = sqlite3.connect(tmp_path / "c.db"), sqlite3.connect(tmp_path / "b.db")
        live.backup(copy)
        live.close()
        copy.close()
        (tmp_path / "b.db").chmod(0o600)
        with chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.context.add_cookies(cookies)
            page.goto(f"{server.url}/display?lang=en&voice=0")
            page.wait_for_selector("#board:not([hidden])")
            page.wait_for_function("() => document.body.dataset.connection === 'live'")
            for _ in range(5):  # the old feed runs well ahead of the restored one
                called = hall.post("1005", "/v1/windows/5/call-next").json()
                hall.post("1005", f"/v1/tickets/{called['id']}/no-show")
            page.wait_for_selector("#latest-ticket:has-text('A005')")
            server.stop()
            page.wait_for_selector("#lost:not([hidden])", timeout=10000)
            server.app = central("b.db")
            server.start()
            page.wait_for_selector("#lost", state="hidden", timeout=15000)
            assert page.query_selector("#device-sign-in") is None
            number = hall.post("1005", "/v1/windows/5/call-next").json()["number"]
            assert number == "A001"
            page.wait_for_selector("#latest-ticket:has-text('A001')", timeout=5000)
            assert page.text_content("#latest-window") == "Window 5"
