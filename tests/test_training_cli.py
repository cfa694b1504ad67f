"""`counter demo --scenario … --report …` from the command line, the real App headless: the
configured central URL (a real listener here) is never connected to, the scenario's citizen is
at window 1, Ctrl+T shows the report, and the report files are written when the demo ends."""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from counter import cli
from counter.core import i18n

pytest.importorskip("central.app")

PORT = 18911


def test_list_scenarios_names_the_shipped_five(capsys: Any) -> None:
    assert cli.main(["demo", "--lang", "zh", "--list-scenarios"]) == 0
    out = capsys.readouterr().out
    for name in (
        "bus-card-copy",
        "enterprise-tolerate",
        "green-channel",
        "third-visit",
        "outside-competence",
    ):
        assert name in out
    assert "老年卡：只带了身份证复印件" in out
    i18n.set_language("en")


def test_an_unknown_scenario_is_one_line(capsys: Any, tmp_path: Path) -> None:
    assert cli.main(["demo", "--lang", "en", "--scenario", "no-such"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no scenario named 'no-such'" in err[0]
    bad = tmp_path / "mine.toml"
    bad.write_text('title = "x"\n[[citizens]]\nqueue = "A"\n', encoding="utf-8")
    assert cli.main(["demo", "--lang", "en", "--scenario", str(bad)]) == 2
    assert "citizen 1: item is missing" in capsys.readouterr().err


def test_a_scenario_demo_never_touches_the_configured_central(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    import counter.app
    from screens.counter import CounterScreen
    from screens.intake import IntakeScreen
    from screens.sign_on import SignOnScreen

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", PORT))
    listener.listen()
    listener.settimeout(0.2)
    accepted: list[Any] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    config = tmp_path / "counter.toml"
    config.write_text(f'[central]\nurl = "http://127.0.0.1:{PORT}"\n', encoding="utf-8")

    real_make_app = counter.app.make_app
    seen: dict[str, Any] = {}

    class Headless:
        def __init__(self, app: Any) -> None:
            self.app = app
            self.return_code = 0

        async def run_async(self) -> None:
            async def wait_for(p: Any, ok: Any) -> None:
                for _ in range(300):
                    if ok():
                        return
                    await asyncio.sleep(0.1)
                raise AssertionError("timed out")

            async def pilot(p: Any) -> None:
                app = p.app
                await wait_for(p, lambda: isinstance(app.screen, SignOnScreen))
                await p.press("enter")
                await wait_for(p, lambda: isinstance(app.screen, CounterScreen))
                await wait_for(p, lambda: len(app.demo.training.tickets) == 1)
                await p.press("f2")
                await wait_for(p, lambda: app.session.current is not None)
                await p.press("enter", "f5")
                await wait_for(p, lambda: isinstance(app.screen, IntakeScreen))
                screen = app.screen
                await wait_for(p, lambda: screen.loaded is not None)
                seen["desk"] = str(screen.query_one("#intake-desk").content)
                seen["marks"] = [str(m.content) for m in screen.query(".demo-mark")]
                seen["config_url"] = app.config.central_url
                seen["token_key"] = app.token_key
                await p.press("ctrl+t")
                await wait_for(p, lambda: type(app.screen).__name__ == "TraineeReportScreen")
                seen["report"] = app.screen.text
                app.exit()

            await self.app.run_async(headless=True, size=(100, 30), auto_pilot=pilot)

    monkeypatch.setattr(counter.app, "make_app", lambda **kw: Headless(real_make_app(**kw)))
    report = tmp_path / "out" / "trainee"
    args = ["demo", "--config", str(config), "--lang", "en", "--as", "clerk"]
    args += ["--scenario", "bus-card-copy", "--report", str(report)]
    try:
        assert cli.main(args) == 0
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert accepted == []  # not one connection to the configured central
    assert seen["config_url"] is None and seen["token_key"] == "http://demo.local"
    assert seen["marks"] == ["DEMO · training"]  # every screen of a scenario says so
    assert "王秀英" in seen["desk"] and "copy" in seen["desk"].lower()
    assert "Decision: nothing recorded; expected: one-time notice" in seen["report"]
    text = (tmp_path / "out" / "trainee.txt").read_text(encoding="utf-8")
    assert "Senior bus card" in text
    assert (tmp_path / "out" / "trainee.csv").read_text(encoding="utf-8-sig").startswith("index,")
    err = capsys.readouterr().err
    assert 'Scenario "Senior bus card' in err and "Trainee report written" in err
