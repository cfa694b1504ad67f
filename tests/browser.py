"""Real parts for the hall's browser pages: the central over real HTTP (uvicorn in a thread, on
a free loopback port, stoppable and restartable on the same port) and the system Chromium
driven by Playwright. Shared by the display page tests (and the kiosk and pad pages next)."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.system_parts import require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS: list[str] = []


def artifacts_dir() -> Path:
    """Where tests keep screenshots: $COUNTER_ARTIFACTS, else <tmp>/counter-artifacts."""
    folder = Path(
        os.environ.get("COUNTER_ARTIFACTS") or Path(tempfile.gettempdir()) / "counter-artifacts"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_artifact(path: Path) -> None:
    ARTIFACTS.append(str(path))
    print(f"artifact: {path}")


class LiveServer:
    """One central app served over HTTP on 127.0.0.1:<port>; stop() drops every connection,
    start() serves again on the same port (the page's "connection lost" and back)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        config = uvicorn.Config(
            self.app, log_level="critical", access_log=False, lifespan="off",
            timeout_graceful_shutdown=0.2, loop="asyncio", http="h11",
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the central did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._server.force_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None


@contextmanager
def live_server(app: Any) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def chromium(*extra_args: str) -> Iterator[Any]:
    """A Playwright Browser on the system Chromium (never a browser build of Playwright's own)."""
    require("chromium", os.access(CHROMIUM, os.X_OK), "the hall's pages are tested in it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require("playwright", False, "the dev extra drives Chromium with it")
        raise
    with sync_playwright() as pw:
        # Without Playwright's own autoplay switch: like a TV's browser, no sound before a click.
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, *extra_args],
            ignore_default_args=["--autoplay-policy=no-user-gesture-required"],
        )
        try:
            yield browser
        finally:
            browser.close()


def have_chromium() -> bool:
    return os.access(CHROMIUM, os.X_OK) or shutil.which("chromium") is not None


class Hall:
    """The clerks, the kiosk and the supervisor, through the real HTTP API (demo passwords)."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10)
        self.tokens: dict[str, str] = {}
        self.n = 0

    def _auth(self, who: str) -> dict[str, str]:
        if who not in self.tokens:
            r = self.http.post("/v1/auth/login", json={"staff_no": who, "password": "counter"})
            self.tokens[who] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def post(self, who: str, path: str, ok: bool = True, **kw: Any) -> httpx.Response:
        self.n += 1
        headers = {**self._auth(who), "Idempotency-Key": f"k{self.n}"}
        response = self.http.post(path, headers=headers, **kw)
        if ok:
            assert response.status_code < 300, response.text
        return response

    def get(self, who: str, path: str, **kw: Any) -> httpx.Response:
        return self.http.get(path, headers=self._auth(who), **kw)


def sign_in_device(page: Any, url: str, account: str) -> None:
    """Open a device page and sign it in with its device account (demo password)."""
    page.goto(url)
    page.wait_for_selector("#device-sign-in")
    page.fill("input[name=staff_no]", account)
    page.fill("input[name=password]", "counter")
    page.click("#device-sign-in button")
    page.wait_for_selector("#device-sign-in", state="detached")


def shoot(page: Any, name: str) -> None:
    """Keep a screenshot of the page as a test artifact."""
    shot = artifacts_dir() / f"{name}.png"
    page.screenshot(path=str(shot))
    keep_artifact(shot)


def device_hall(folder: Path) -> Path:
    """The demo hall with queue D capped at 1 ticket a day (its pads: pad01 at window 1, pad02 at
    2, … as in the demo hall)."""
    from central.hall_seed import DEMO_HALL

    text = DEMO_HALL.read_text(encoding="utf-8")
    capped = text.replace(
        'department = "gjj"\ndaily_cap = 300', 'department = "gjj"\ndaily_cap = 1'
    )
    assert capped != text
    path = folder / "hall.toml"
    path.write_text(capped, encoding="utf-8")
    return path


# What on a page is cut off: a shown element outside the screen, text wider than its box, or
# a box outside an ancestor that clips it (overflow hidden).
CUT_OFF = """(selectors) => {
  const cut = [];
  for (const sel of selectors) for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.closest('[hidden]')) continue;
    const name = `${sel} "${el.textContent.trim().slice(0, 30)}"`;
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) {
      cut.push(`${name} is off the screen`);
    } else if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      cut.push(`${name} is wider than its box`);
    }
    for (let up = el.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflow === 'visible' || up === document.body) continue;
      if (up === document.documentElement) break;
      const box = up.getBoundingClientRect();
      if (r.bottom > box.bottom + 1 || r.right > box.right + 1) cut.push(`${name} is clipped`);
      break;
    }
  }
  return cut;
}"""


def assert_whole(page: Any, *selectors: str) -> None:
    """Every shown element the selectors name is whole on the screen (waits for a re-layout)."""
    try:
        page.wait_for_function(
            f"(s) => ({CUT_OFF})(s).length === 0", arg=list(selectors), timeout=5000
        )
    except Exception:
        raise AssertionError(page.evaluate(CUT_OFF, list(selectors))) from None
