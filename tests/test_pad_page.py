"""The /pad page in a real headless Chromium against the central over real HTTP: two pads at
windows 1 and 2; the clerk at window 1 finishes a service and only that window's pad shows the
five levels; a 差评 asks for a reason, is stored with it and lands in the 差评 queue; the clerk's
own tally counts it; the other window's pad never showed it; a citizen who walks away leaves
the service unrated. Screenshots in zh and en."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from central.app import create_app
from central.settings import Settings
from tests.browser import (
    Hall,
    assert_whole,
    chromium,
    device_hall,
    live_server,
    shoot,
    sign_in_device,
)

# Records every screen the pad showed (its body's data-showing), in order.
WATCH = """() => {
  window.__seen = [document.body.dataset.showing];
  new MutationObserver(() => window.__seen.push(document.body.dataset.showing))
    .observe(document.body, {attributes: true, attributeFilter: ['data-showing']});
}"""


PAD_PARTS = (
    "header > *", ".window-no", ".photo", ".clerk", ".ask", ".level", ".reason", "#comment",
    ".submit", ".thanks",
)  # fmt: skip


def _look(page: Any, name: str) -> None:
    """Nothing on the pad's screen cut off or off the screen; a screenshot kept."""
    assert_whole(page, *PAD_PARTS)
    shoot(page, name)


def _serve(hall: Hall, clerk: str, window: int) -> int:
    """Call, start and finish the next ticket at a window; its id."""
    ticket = hall.post(clerk, f"/v1/windows/{window}/call-next").json()
    hall.post(clerk, f"/v1/tickets/{ticket['id']}/start")
    hall.post(clerk, f"/v1/tickets/{ticket['id']}/finish")
    return int(ticket["id"])


def _showing(page: Any, part: str) -> None:
    page.wait_for_function("(p) => document.body.dataset.showing === p", arg=part, timeout=30000)


def test_pad_page_in_chromium(tmp_path: Path) -> None:
    seed = str(device_hall(tmp_path))
    app = create_app(Settings(db_path=str(tmp_path / "c.db"), seed=seed, kdf_fast=True))
    with live_server(app) as server, chromium() as browser:
        hall = Hall(server.url)
        for _ in range(3):
            hall.post("kiosk01", "/v1/tickets", json={"queue": "A"})
        hall.post("1001", "/v1/windows/1/sign-on")
        hall.post("1002", "/v1/windows/2/sign-on")

        one = browser.new_page(viewport={"width": 1280, "height": 800}, has_touch=True)
        two = browser.new_page(viewport={"width": 800, "height": 1280}, has_touch=True)
        sign_in_device(one, f"{server.url}/pad", "pad01")
        sign_in_device(two, f"{server.url}/pad", "pad02")
        for page in (one, two):
            page.wait_for_function("() => document.body.dataset.connection === 'live'")
        one.wait_for_selector("#clerk:has-text('工作人员：王芳')")
        assert one.text_content("#window-no") == "1 号窗口"
        assert one.text_content("#idle-ask") == "请对本次服务进行评价"
        _look(one, "pad-idle-zh-1280x800")
        two.evaluate(WATCH)

        # The clerk at window 1 finishes a service: pad 1 shows the five levels.
        ticket = _serve(hall, "1001", 1)
        _showing(one, "rate")
        assert one.locator(".level").all_text_contents() == [
            "非常满意", "满意", "基本满意", "不满意", "非常不满意",
        ]  # fmt: skip
        _look(one, "pad-levels-zh-1280x800")

        # 不满意 asks for a reason first; then it is stored with it.
        one.tap(".level[data-level='2']")
        _showing(one, "why")
        one.tap("#why-send")
        one.wait_for_selector("#said:has-text('请至少选择一个原因。')")
        one.tap(".reason[data-reason='slow']")
        one.fill("#comment", "等了四十分钟")
        _look(one, "pad-reasons-zh-1280x800")
        one.tap("#why-send")
        one.wait_for_selector("#thanks:has-text('谢谢！')")
        bad = hall.get("2001", "/v1/ratings", params={"bad": "true"}).json()
        assert [(r["ticket_id"], r["level"], r["reasons"], r["comment"]) for r in bad] == [
            (ticket, 2, ["slow"], "等了四十分钟")
        ]
        assert bad[0]["review"]["state"] == "pending" and bad[0]["channel"] == "pad"
        mine = hall.get("1001", "/v1/ratings", params={"staff_no": "me"}).json()
        assert [r["ticket_id"] for r in mine] == [ticket]
        # The clerk's terminal redraws its tally line on this event (as with the simulated pad).
        feed = hall.get("1001", "/v1/events/poll", params={"after": 0}).json()["events"]
        assert [
            (e["ticket_id"], e["window_no"]) for e in feed if e["type"] == "rating.received"
        ] == [(ticket, 1)]
        _showing(one, "idle")  # thanked, then idle: one rating per service

        # Window 2's pad never showed window 1's service; its own service it does show.
        assert set(two.evaluate("() => window.__seen")) == {"idle"}
        _serve(hall, "1002", 2)
        _showing(two, "rate")
        _look(two, "pad-levels-zh-800x1280")
        two.click("#lang")
        two.wait_for_selector(".level[data-level='5']:has-text('Very satisfied')")
        _look(two, "pad-levels-en-800x1280")
        two.set_viewport_size({"width": 1280, "height": 800})
        _look(two, "pad-levels-en-1280x800")
        two.click(".level[data-level='1']")
        _showing(two, "why")
        _look(two, "pad-reasons-en-1280x800")
        two.click("#why-back")
        two.click(".level[data-level='5']")
        two.wait_for_selector("#thanks:has-text('Thank you!')")
        assert one.evaluate("() => document.body.dataset.showing") == "idle"
        levels = sorted(r["level"] for r in hall.get("2001", "/v1/ratings").json())
        assert levels == [2, 5]
        _showing(two, "idle")
        _look(two, "pad-idle-zh-1280x800-window2")

        # A citizen walks away from window 1's pad: the clerk calls the next one, the pad goes
        # back to idle and that service stays unrated.
        hall.post("kiosk01", "/v1/tickets", json={"queue": "A"})
        left = _serve(hall, "1001", 1)
        _showing(one, "rate")
        hall.post("1001", "/v1/windows/1/call-next")
        _showing(one, "idle")
        assert left not in [r["ticket_id"] for r in hall.get("2001", "/v1/ratings").json()]
