"""The central's set-up: central.toml, COUNTER_* variables, `counter serve --db-url/--config`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pydantic_settings")

from central import serve
from central.settings import Settings, SettingsError, load_settings, redact
from counter import cli

SECRET = "s3cr3t-pw"
URL = f"postgresql+psycopg://hall:{SECRET}@127.0.0.1:1/hall_0101"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("COUNTER_DB_URL", "COUNTER_CENTRAL_CONFIG", "COUNTER_RATING_WINDOW_DAYS"):
        monkeypatch.delenv(key, raising=False)


def _calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "run", lambda **kwargs: calls.append(kwargs))
    return calls


def test_file_env_and_flags_in_that_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "central.toml"
    path.write_text(
        'db_path = "from-file.db"\nrating_window_days = 10\nrating_default_level = 4\n'
        "[escalation_days]\ndifficult = 20\ncomplex = 5\nurgent = 1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("COUNTER_RATING_WINDOW_DAYS", "9")
    settings = load_settings(path, db_path="flag.db")
    assert settings.db_path == "flag.db"  # the flag wins
    assert settings.rating_window_days == 9  # the variable beats the file
    assert settings.rating_default_level == 4
    assert settings.escalation_days["difficult"] == 20
    # Plain construction (tests, the demo) reads neither the environment nor a file.
    assert Settings(db_path="x.db").rating_window_days == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rating_default_level = 9\n", "central.toml: rating_default_level: Input should be less"),
        ("heartbeat_s = -1\n", "central.toml: heartbeat_s: Input should be greater than 0"),
        ("rating_windw_days = 3\n", "central.toml: unknown key 'rating_windw_days'; allowed keys"),
        ("login_max_failures = \n", "central.toml: "),
    ],
)
def test_a_wrong_value_is_one_line_naming_file_key_and_allowed(
    tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "central.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(str(tmp_path / expected))
    assert cli.main(["serve", "--config", str(path)]) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected.split(": ")[1] in err


def test_db_refuses_a_url_in_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    calls = _calls(monkeypatch)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["serve", "--db", URL]) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert "--db-url" in err and SECRET not in err and len(err.splitlines()) == 1
    assert calls == [] and list(tmp_path.iterdir()) == []  # no file named after the URL


def test_db_url_from_flag_or_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls = _calls(monkeypatch)
    assert cli.main(["serve", "--db-url", URL]) == 0
    assert calls[-1]["settings"].db_url == URL
    path = tmp_path / "central.toml"
    path.write_text('seed = "demo"\n', encoding="utf-8")
    monkeypatch.setenv("COUNTER_DB_URL", URL)
    monkeypatch.setenv("COUNTER_CENTRAL_CONFIG", str(path))
    assert cli.main(["serve"]) == 0
    assert (calls[-1]["settings"].db_url, calls[-1]["settings"].seed) == (URL, "demo")


def test_unreachable_database_is_one_line_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["serve", "--db-url", URL, "--port", "18399"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert SECRET not in err and "127.0.0.1" in err
    assert redact(URL) == "postgresql+psycopg://hall:***@127.0.0.1:1/hall_0101"


def test_every_field_a_hall_sets_is_documented() -> None:
    undocumented = [name for name, f in Settings.model_fields.items() if not f.description]
    assert undocumented == []
