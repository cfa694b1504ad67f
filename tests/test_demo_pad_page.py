"""The demo hall's rating pads in a real headless Chromium (issue 15): `counter serve --demo`
with simulated colleagues at windows 2–16, each window with its own pad. The trainee at window 1
finishes a service and pad01's page offers the five levels for that service; while the
colleagues call and serve, pad01 stays idle (a pad rates its own window only)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.browser import Hall, chromium, shoot, sign_in_device
from tests.central_process import free_port, start_serve, stop

pytest.importorskip("central.app")

# Every screen the pad showed (its body's data-showing) with the service it was for.
WATCH = """() => {
  const seen = () => `${document.body.dataset.showing}:${document.body.dataset.ticket || ''}`;
  window.__seen = [seen()];
  new MutationObserver(() => window.__seen.push(seen())).observe(
    document.body, {attributes: true, attributeFilter: ['data-showing', 'data-ticket']});
}"""


def _until(page: Any, condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        page.wait_for_timeout(300)


@pytest.fixture
def demo_hall() -> Iterator[str]:
    port = free_port(18800, 18899)
    # ×2: the colleagues call and finish services within the test; a citizen steps to the pad
    # 2.5–20 s after a service ends (counter.demo.rating_simulator), time to see the levels.
    proc = start_serve(port, "--demo", "--trainees", "1001", "--speed", "2", "--seed", "3")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def test_the_trainees_pad_offers_the_levels_for_their_service(demo_hall: str) -> None:
    with chromium() as browser:
        hall = Hall(demo_hall)
        page = browser.new_page(viewport={"width": 1280, "height": 800}, has_touch=True)
        sign_in_device(page, f"{demo_hall}/pad", "pad01")
        page.wait_for_function("() => document.body.dataset.connection === 'live'")
        assert page.text_content("#window-no") == "1 号窗口"
        assert hall.get("pad01", "/v1/pad").json()["windows"] == [1]
        page.evaluate(WATCH)

        # The colleagues serve at their windows meanwhile; pad01 shows none of it.
        def colleagues_at_work() -> bool:
            board = hall.get("2001", "/v1/board").json()
            return {w["no"] for w in board["windows"] if w["staff_no"]} >= {2, 3, 4, 5}

        _until(page, colleagues_at_work, "the colleagues signed on")
        hall.post("1001", "/v1/windows/1/sign-on")
        calls: list[httpx.Response] = []

        def a_citizen_called() -> bool:  # the kiosk's citizens come within seconds
            calls.append(hall.post("1001", "/v1/windows/1/call-next"))
            return calls[-1].status_code == 200

        _until(page, a_citizen_called, "a citizen at window 1")
        called = calls[-1].json()
        ticket = int(called["id"])
        hall.post("1001", f"/v1/tickets/{ticket}/start")
        page.wait_for_timeout(1500)  # colleagues finish services meanwhile, at other windows
        hall.post("1001", f"/v1/tickets/{ticket}/finish")

        page.wait_for_function(
            "(id) => document.body.dataset.showing === 'rate'"
            " && document.body.dataset.ticket === String(id)",
            arg=ticket,
            timeout=30000,
        )
        assert page.locator(".level").all_text_contents() == [
            "非常满意", "满意", "基本满意", "不满意", "非常不满意",
        ]  # fmt: skip
        shoot(page, "demo-pad-levels-zh-1280x800")
        seen = page.evaluate("() => window.__seen")
        # Before the trainee's service, only idle; the first service offered is theirs.
        offered = [s for s in seen if not s.startswith("idle")]
        assert offered and offered[0] == f"rate:{ticket}", seen
