"""Call → shown on the hall display: the browser page in the system Chromium and the terminal
board, both against a real central over HTTP (uvicorn on 127.0.0.1, SQLite); and the size and
length of the announcement WAVs the central renders.

    .venv/bin/python bench/display_latency.py [--calls 20] [--port 18500]

For each call: the time from just before the clerk's POST call-next until the page's DOM shows
the number (a MutationObserver in the page, same machine clock), and until the terminal board's
state holds it. Budget (DESIGN.md §5): ≤ 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from central.app import create_app
from central.settings import Settings
from client.api import CentralClient
from counter.core.config import Config
from counter.display_app import DisplayApp

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
WATCH = """() => { window.__shown = {}; const box = document.getElementById('latest-ticket');
  new MutationObserver(() => { const t = box.textContent;
    if (t && !(t in window.__shown)) window.__shown[t] = Date.now(); })
  .observe(box, {childList: true, characterData: true, subtree: true}); }"""


def serve(app: object, port: int) -> None:
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)


class Hall:
    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10)
        self.tokens: dict[str, str] = {}
        self.n = 0

    def post(self, who: str, path: str, **kw: object) -> httpx.Response:
        if who not in self.tokens:
            r = self.http.post("/v1/auth/login", json={"staff_no": who, "password": "counter"})
            self.tokens[who] = r.json()["token"]
        self.n += 1
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Idempotency-Key": f"b{self.n}"}
        return self.http.post(path, headers=headers, **kw)  # type: ignore[arg-type]


def summary(name: str, values: list[float]) -> None:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    print(f"{name}: n={len(values)} median {statistics.median(values):.0f} ms, "
          f"p95 {p95:.0f} ms, max {values[-1]:.0f} ms")  # fmt: skip


def browser_latency(url: str, hall: Hall, calls: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    found = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"{url}/display?voice=0")
        page.fill("input[name=staff_no]", "display01")
        page.fill("input[name=password]", "counter")
        page.click("#device-sign-in button")
        page.wait_for_function("() => document.body.dataset.connection === 'live'")
        page.evaluate(WATCH)
        for _ in range(calls):
            sent = time.time() * 1000
            number = hall.post("1005", "/v1/windows/5/call-next").json()["number"]
            page.wait_for_function("(n) => window.__shown && n in window.__shown", arg=number)
            found.append(page.evaluate("(n) => window.__shown[n]", number) - sent)
            hall.post("1005", f"/v1/tickets/{current(hall)}/no-show")
        browser.close()
    return found


def current(hall: Hall) -> int:
    headers = {"Authorization": f"Bearer {hall.tokens['1005']}"}
    return int(hall.http.get("/v1/windows/5", headers=headers).json()["current_ticket"]["id"])


async def terminal_latency(url: str, hall: Hall, calls: int) -> list[float]:
    client = CentralClient(url)
    config = Config(central_url=url, lang="zh", display_account="display01",
                    display_password="counter")  # fmt: skip
    app = DisplayApp(client=client, config=config, voice=None)
    found = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.view is None or app.view.connection != "live":
            await pilot.pause(0.02)
        for _ in range(calls):
            sent = time.perf_counter()
            answer = await asyncio.to_thread(hall.post, "1005", "/v1/windows/5/call-next")
            number = answer.json()["number"]
            while not (app.board.latest and app.board.latest.ticket == number):
                await asyncio.sleep(0.002)
            found.append((time.perf_counter() - sent) * 1000)
            await asyncio.to_thread(hall.post, "1005", f"/v1/tickets/{current(hall)}/no-show")
    await client.aclose()
    return found


def wav_figures(hall: Hall) -> None:
    headers = {"Authorization": f"Bearer {hall.tokens['1005']}"}
    page = hall.http.get("/v1/announcements?limit=3", headers=headers).json()
    for item in page["announcements"]:
        started = time.perf_counter()
        data = hall.http.get(item["audio"], headers=headers).content
        took = (time.perf_counter() - started) * 1000
        with wave.open(io.BytesIO(data)) as w:
            seconds = w.getnframes() / w.getframerate()
        print(f"WAV {item['ticket']} → window {item['window_no']}: {len(data):,} bytes, "
              f"{seconds:.2f} s, {w.getframerate()} Hz mono 16-bit, first fetch {took:.0f} ms "
              f"(voice {page['voice']})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--port", type=int, default=18500)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="counter-display-bench-")
    app = create_app(Settings(db_path=str(Path(folder) / "c.db"), seed="demo", kdf_fast=True))
    serve(app, args.port)
    url = f"http://127.0.0.1:{args.port}"
    hall = Hall(url)
    for _ in range(2 * args.calls + 5):
        hall.post("kiosk01", "/v1/tickets", json={"queue": "A"})
    hall.post("1005", "/v1/windows/5/sign-on")
    summary("browser page call → shown", browser_latency(url, hall, args.calls))
    summary("terminal board call → shown", asyncio.run(terminal_latency(url, hall, args.calls)))
    wav_figures(hall)


if __name__ == "__main__":
    main()
