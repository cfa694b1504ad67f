"""The `counter` command: version, one-line errors with exit code 2, and what it hands the App."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from counter import cli
from counter.core import i18n
from counter.core.credentials import TokenStore

ROOT = Path(__file__).resolve().parent.parent


def run_counter(*args: str, config: Path | None = None, lang: str = "en_US.UTF-8") -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env["LANG"] = lang
    env["COUNTER_CONFIG"] = str(config) if config else "/nonexistent/counter/config.toml"
    return subprocess.run(
        [sys.executable, "-m", "counter", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def one_line_error(result: Any) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines: list[str] = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_version() -> None:
    from counter.version import version

    result = run_counter("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"counter {version()}"
    assert version()[0].isdigit()


def test_a_bad_config_value_is_one_line_and_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[central]\nurl = "https://c.example"\ntimeout = "fast"\n')
    line = one_line_error(run_counter(config=config))
    assert line == (
        f"counter: {config}: [central] timeout must be a number of seconds between 1 and 120, "
        'got "fast"'
    )


def test_a_typo_in_the_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[central]\nurll = 'https://c.example'\n")
    line = one_line_error(run_counter("--config", str(config)))
    assert "[central] urll is not a setting; did you mean [central] url?" in line


def test_a_toml_syntax_error_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[central\n")
    assert "not valid TOML" in one_line_error(run_counter(config=config))


def test_config_errors_speak_the_locale(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[ui]\nlang = "fr"\n')
    assert "应为" in one_line_error(run_counter(config=config, lang="zh_CN.UTF-8"))
    assert "must be" in one_line_error(
        run_counter("--lang", "en", config=config, lang="zh_CN.UTF-8")
    )


def test_a_missing_explicit_config_file(tmp_path: Path) -> None:
    line = one_line_error(run_counter("--config", str(tmp_path / "nope.toml")))
    assert line == f"counter: {tmp_path / 'nope.toml'}: no such config file"


def test_no_url_says_how_to_give_one() -> None:
    line = one_line_error(run_counter())
    assert "--url" in line and "counter demo" in line


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--url", "central.example"], "--url: must be an http:// or https:// address"),
        (["demo", "--speed", "0"], "--speed must be a number between 0.1 and 1000"),
        (["serve", "--port", "0"], "--port must be a port number"),
    ],
)
def test_bad_flags_are_one_line(args: list[str], expected: str) -> None:
    assert expected in one_line_error(run_counter(*args))


def test_an_unknown_flag_is_a_usage_error_without_traceback() -> None:
    result = run_counter("--frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--frobnicate" in result.stderr


def test_demo_roles_match_the_demo_logins() -> None:
    from counter.demo import DEMO_LOGINS

    assert set(cli.DEMO_ROLES) == set(DEMO_LOGINS)


# --- what the command hands the App (in-process, a stand-in make_app) ------------------------


class RecordingApp:
    """Stands in for the Textual App: records how it was made and runs a check as its 'UI'."""

    made: dict[str, Any] = {}

    def __init__(self, check: Any) -> None:
        self.check = check
        self.return_code = 0

    async def run_async(self) -> None:
        await self.check(self.made)


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    holder: dict[str, Any] = {}

    async def no_check(made: dict[str, Any]) -> None:
        return None

    holder["check"] = no_check

    def make_app(**kwargs: Any) -> RecordingApp:
        RecordingApp.made = kwargs
        holder["made"] = kwargs
        return RecordingApp(holder["check"])

    module = types.ModuleType("counter.app")
    module.make_app = make_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "counter.app", module)
    monkeypatch.setenv("COUNTER_CONFIG", str(tmp_path / "absent.toml"))
    yield holder
    i18n.set_language("en")


def test_the_workbench_gets_client_config_token_store(fake_app: dict[str, Any]) -> None:
    assert cli.main(["--url", "https://central.example.gov.cn/", "--as", "1007"]) == 0
    made = fake_app["made"]
    assert made["client"].base_url == "https://central.example.gov.cn"
    assert made["client"].is_in_process is False
    assert made["config"].central_url == "https://central.example.gov.cn"
    assert isinstance(made["token_store"], TokenStore)
    assert made["login_as"] == ("1007", "")  # the password is asked on screen
    assert made.get("demo") is None
    assert made["client"].http.is_closed  # closed when the App is done


def test_demo_as_clerk_runs_a_live_demo_hall(fake_app: dict[str, Any], capsys: Any) -> None:
    seen: dict[str, Any] = {}

    async def check(made: dict[str, Any]) -> None:
        hall = made["demo"]
        staff_no, password = made["login_as"]
        login = await made["client"].login(staff_no, password)  # the demo hall answers
        seen["role"] = login.staff.role
        seen["running"] = hall.simulator is not None and hall.simulator.running
        seen["excluded"] = set(hall.simulator.exclude_windows)
        seen["tempdir"] = hall.db_path.parent
        seen["store"] = made["token_store"]

    fake_app["check"] = check
    assert cli.main(["demo", "--as", "clerk", "--seed", "3", "--speed", "20"]) == 0
    assert fake_app["made"]["login_as"] == ("1001", "counter")
    assert seen["role"] == "clerk"
    assert seen["running"] is True
    assert 1 in seen["excluded"]
    assert seen["store"].in_memory and seen["store"].note is None  # never the OS keyring
    assert not seen["tempdir"].exists()  # the demo hall is gone afterwards
    err = capsys.readouterr().err
    assert "never touches a real central API" in err
    assert "2001" in err


def test_demo_as_supervisor(fake_app: dict[str, Any]) -> None:
    assert cli.main(["demo", "--as", "supervisor", "--quiet", "--lang", "zh"]) == 0
    assert fake_app["made"]["login_as"] == ("2001", "counter")
    assert fake_app["made"]["demo"].simulator is None
    assert i18n.current_language() == "zh"


def test_serve_hands_its_flags_to_central(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import central.serve as serve

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "run", lambda **kwargs: calls.append(kwargs))
    db = tmp_path / "hall" / "central.db"
    args = ["serve", "--port", "9090", "--db", str(db), "--seed", "demo"]
    assert cli.main(args) == 0
    [call] = calls
    assert (call["host"], call["port"]) == ("127.0.0.1", 9090)
    settings = call["settings"]
    assert (settings.db_path, settings.db_url, settings.seed) == (str(db), None, "demo")
    assert settings.catalog_path is None
    # The server makes the folder itself (0700, with the database 0600), not the CLI.
    assert not db.parent.exists()


def test_counter_demo_as_clerk_reaches_the_counter_screen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The real App, headless: `counter demo --as clerk` signs in; Enter opens window 1."""
    import asyncio

    import counter.app
    from screens.counter import CounterScreen
    from screens.sign_on import SignOnScreen

    real_make_app = counter.app.make_app
    reached: dict[str, Any] = {}

    class Headless:
        def __init__(self, app: Any) -> None:
            self.app = app
            self.return_code = 0

        async def run_async(self) -> None:
            async def wait_for(p: Any, screen: type) -> None:
                for _ in range(300):  # 30 s at most (a loaded 2-core box)
                    if isinstance(p.app.screen, screen):
                        return
                    await asyncio.sleep(0.1)

            async def pilot(p: Any) -> None:
                await wait_for(p, SignOnScreen)  # signed in by --as, window 1 highlighted
                await p.press("enter")
                await wait_for(p, CounterScreen)
                reached["screen"] = type(p.app.screen).__name__
                reached["window"] = p.app.session.window_no
                p.app.exit()

            await self.app.run_async(headless=True, size=(100, 30), auto_pilot=pilot)

    monkeypatch.setattr(counter.app, "make_app", lambda **kw: Headless(real_make_app(**kw)))
    monkeypatch.setenv("COUNTER_CONFIG", str(tmp_path / "absent.toml"))
    assert cli.main(["demo", "--as", "clerk", "--speed", "10", "--lang", "en"]) == 0
    assert reached == {"screen": "CounterScreen", "window": 1}
