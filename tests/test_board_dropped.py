"""The hall board when the central goes away (issue 13): a real `counter serve` stopped while
a supervisor's board is open. The status line says so within seconds (it used to wait for its
minute tick, reading "● live" for up to a minute), and once the central is back the board
follows the hall again by itself, with what changed meanwhile."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from client.api import CentralClient
from screens.widgets.status_line import StatusLine
from tests.central_process import free_port, start_serve, stop
from tests.conftest import FakeClock
from tests.pilot import build, open_board, until


async def test_a_stopped_central_is_said_on_the_board_and_it_recovers(
    tmp_path: Path, clock: FakeClock
) -> None:
    port = free_port()
    config = tmp_path / "central.toml"
    config.write_text("heartbeat_s = 0.4\nkdf_fast = true\n", encoding="utf-8")
    args = ["--db", str(tmp_path / "central.db"), "--seed", "demo", "--config", str(config)]
    url = f"http://127.0.0.1:{port}"
    process = await asyncio.to_thread(start_serve, port, *args, wait_s=90)
    client = CentralClient(url)
    try:
        app = build(client, clock, login_as="2001", window=None, lang="en")
        async with app.run_test(size=(100, 30)) as pilot:
            board = await open_board(pilot, app)
            status = board.query_one(StatusLine)

            def says(word: str) -> bool:
                return f"● {word}" in str(status.render())

            await until(pilot, lambda: says("live"), "the board live")
            await asyncio.to_thread(stop, process)
            await until(pilot, lambda: app.session.connection == "offline", "the stream lost")
            lost = time.monotonic()
            await until(pilot, lambda: says("offline"), "the board saying so")
            assert time.monotonic() - lost < 5, "said at the minute tick, not when it happened"

            process = await asyncio.to_thread(start_serve, port, *args, wait_s=90)
            kiosk = CentralClient(url)
            await kiosk.login("kiosk01", "counter")
            await kiosk.issue_ticket("B")  # while the board is still reconnecting, or just back
            await kiosk.aclose()
            await until(pilot, lambda: says("live"), "the board live again")
            await until(
                pilot,
                lambda: board.board is not None and board.board.queues[1].waiting == 1,
                "the ticket issued meanwhile on the board",
            )
    finally:
        await client.aclose()
        await asyncio.to_thread(stop, process)
