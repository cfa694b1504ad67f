"""`counter display` from the command line, the real board against a central over real HTTP:
--url, --lang, --queues, --windows and --voice/--no-voice reach the board, the device account
comes from the config's [display] and the speech engine from [voice] command / input (a
stand-in command that keeps what it is given on stdin)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from central.app import create_app
from central.settings import Settings
from client.api import CentralClient
from counter import cli
from counter.core import i18n
from counter.display_app import DisplayApp
from tests.browser import live_server
from tests.pilot import until

SAY = "import sys\nwith open(sys.argv[1], 'a', encoding='utf-8') as f: f.write(sys.stdin.read())\n"


def _config(folder: Path) -> tuple[Path, Path]:
    script, said = folder / "say.py", folder / "said.txt"
    script.write_text(SAY, encoding="utf-8")
    config = folder / "config.toml"
    config.write_text(
        '[display]\naccount = "display01"\npassword = "counter"\n'
        f"[voice]\ncommand = '{sys.executable} {script} {said}'\ninput = \"hanzi\"\n",
        encoding="utf-8",
    )
    return config, said


def _run_headless(monkeypatch: pytest.MonkeyPatch, pilot_steps: Any, size: tuple[int, int]) -> Any:
    """The CLI builds the real DisplayApp; it runs headless with `pilot_steps` at the keys."""
    import counter.display_app

    made: dict[str, Any] = {}

    class Headless(DisplayApp):
        async def run_async(self, **_: Any) -> Any:
            made["app"] = self

            async def steps(pilot: Any) -> None:
                try:
                    await pilot_steps(pilot, self)
                finally:
                    self.exit()

            return await super().run_async(headless=True, size=size, auto_pilot=steps)

    monkeypatch.setattr(counter.display_app, "DisplayApp", Headless)
    return made


def _live(app: DisplayApp) -> bool:
    return app.view is not None and app.view.connection == "live"


def test_counter_display_flags_reach_the_board(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config, said = _config(tmp_path)
    app = create_app(Settings(db_path=str(tmp_path / "c.db"), seed="demo", kdf_fast=True))
    with live_server(app) as server:
        seen: dict[str, Any] = {}

        async def zone_board(pilot: Any, board: DisplayApp) -> None:
            await until(pilot, lambda: _live(board), "the board live")
            staff = {}
            for who in ("kiosk01", "1001", "1004"):
                staff[who] = CentralClient(server.url)
                await staff[who].login(who, "counter")
            await staff["1001"].sign_on(1)
            await staff["1004"].sign_on(4)
            await staff["kiosk01"].issue_ticket("A")
            outside_windows = await staff["1001"].call_next(1)  # A at window 1: not this zone
            await staff["kiosk01"].issue_ticket("B")
            outside_queues = await staff["1004"].call_next(4)  # B at window 4: not this zone
            assert outside_windows is not None and outside_queues is not None
            await staff["1004"].no_show(outside_queues.id)
            await staff["kiosk01"].issue_ticket("A")
            ours = await staff["1004"].call_next(4)
            assert ours is not None and ours.number == "A002"
            await until(pilot, lambda: board.board.latest is not None, "the zone's call")
            await until(pilot, lambda: said.exists() and "号窗口" in said.read_text(), "spoken")
            seen["calls"] = [c.ticket for c in board.board.calls]
            seen["said"] = said.read_text(encoding="utf-8")
            seen["head"] = str(board.screen.query_one("#display-head").render())
            seen["status"] = str(board.screen.query_one("#display-status").render())
            for client in staff.values():
                await client.aclose()

        made = _run_headless(monkeypatch, zone_board, (100, 30))
        args = ["display", "--url", server.url, "--config", str(config), "--lang", "zh"]
        assert cli.main([*args, "--queues", "A", "--windows", "4-5", "--voice"]) == 0
        board = made["app"]
        assert board.title == "叫号屏" and board.voice is not None and board.voice.given == "hanzi"
        assert seen["calls"] == ["A002"]
        assert seen["said"] == "请 A 零 零 二 号到 四 号窗口办理"
        assert "区域：A 4-5" in seen["head"] and "已连接" in seen["status"]

        async def whole_hall(pilot: Any, board: DisplayApp) -> None:
            await until(pilot, lambda: _live(board) and board.board.latest is not None, "live")
            seen["status"] = str(board.screen.query_one("#display-status").render())
            seen["calls"] = [c.ticket for c in board.board.calls]

        made = _run_headless(monkeypatch, whole_hall, (80, 24))
        args = ["display", "--url", server.url, "--config", str(config), "--lang", "en"]
        assert cli.main([*args, "--no-voice"]) == 0
        assert made["app"].voice is None and made["app"].title == "Hall display"
        assert "voice off (--no-voice)" in seen["status"]
        assert seen["calls"] == ["A002", "B001", "A001"]  # no zone: every window and queue
    i18n.set_language("en")
