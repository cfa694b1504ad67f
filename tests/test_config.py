"""The config file: defaults, where it is found, and one clear line for every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.theme import BUILTIN_THEMES

from counter.core import i18n
from counter.core.config import DEFAULT_KEYS, Config, ConfigError, config_path, load_config


@pytest.fixture(autouse=True)
def english() -> None:
    i18n.set_language("en")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path, themes=list(BUILTIN_THEMES))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config == Config()
    assert config.central_url is None
    assert config.timeout == 10.0
    assert config.theme == "textual-dark"
    assert config.keys == DEFAULT_KEYS
    assert config.source is None


def test_config_path_follows_counter_config(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.toml"
    assert config_path({"COUNTER_CONFIG": str(target)}) == target
    default = config_path({})
    assert default.name == "config.toml"
    assert default.parent.name == "counter"


def test_load_config_reads_counter_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[central]\nurl = "https://central.example.gov.cn/"\n')
    monkeypatch.setenv("COUNTER_CONFIG", str(path))
    config = load_config()
    assert config.central_url == "https://central.example.gov.cn"
    assert config.source == path


def test_full_file(tmp_path: Path) -> None:
    (tmp_path / "hall-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    path = write(
        tmp_path,
        """
[central]
url = "https://central.example.gov.cn"
ca_bundle = "hall-ca.pem"
timeout = 5

[counter]
hall = "fz-gulou"
window = 7

[ui]
lang = "zh"
theme = "nord"

[keys]
call_next = "ctrl+n, c"
finish = "ctrl+f"

[print]
command = "lp -d counter"
""",
    )
    config = load_config(path, themes=list(BUILTIN_THEMES))
    assert config.central_url == "https://central.example.gov.cn"
    assert config.ca_bundle == str(tmp_path / "hall-ca.pem")  # relative to the file
    assert config.timeout == 5.0 and isinstance(config.timeout, float)
    assert (config.hall, config.window) == ("fz-gulou", 7)
    assert (config.lang, config.theme) == ("zh", "nord")
    assert config.keys["call_next"] == "ctrl+n,c"
    assert config.keys["finish"] == "ctrl+f"
    assert config.keys["recall"] == DEFAULT_KEYS["recall"]  # untouched actions keep defaults
    assert config.print_command == "lp -d counter"


@pytest.mark.parametrize(
    ("text", "key", "allowed", "got"),
    [
        ('[central]\ntimeout = "fast"', "[central] timeout", "between 1 and 120", '"fast"'),
        ("[central]\ntimeout = 0", "[central] timeout", "between 1 and 120", "0"),
        ("[central]\ntimeout = true", "[central] timeout", "number of seconds", "true"),
        ('[central]\nurl = "central.example"', "[central] url", "https://", '"central.example"'),
        ("[central]\nurl = 8080", "[central] url", "http://", "8080"),
        ('[central]\nca_bundle = "/no/such.pem"', "[central] ca_bundle", "PEM", '"/no/such.pem"'),
        ("[counter]\nwindow = 0", "[counter] window", "between 1 and 999", "0"),
        ('[counter]\nwindow = "5"', "[counter] window", "window number", '"5"'),
        ('[counter]\nhall = ""', "[counter] hall", "non-empty", '""'),
        ('[ui]\nlang = "fr"', "[ui] lang", '"zh" or "en"', '"fr"'),
        ('[ui]\ntheme = "nord2"', "[ui] theme", '"nord"', '"nord2"'),
        ('[ui]\ntheme = "zzzzzzzzzz"', "[ui] theme", "textual-dark", '"zzzzzzzzzz"'),
        ('[keys]\ncall_next = "f2,,n"', "[keys] call_next", "comma", '"f2,,n"'),
        ('[keys]\ncall_next = "hyperctrl+x"', "[keys] call_next", '"ctrl+p"', '"hyperctrl+x"'),
        ("[print]\ncommand = []", "[print] command", "text", "a list"),
    ],
)
def test_a_wrong_value_is_one_line_with_file_key_and_what_is_allowed(
    tmp_path: Path, text: str, key: str, allowed: str, got: str
) -> None:
    message = error_of(write(tmp_path, text + "\n"))
    assert f": {key} must be " in message
    assert allowed in message
    assert message.endswith(f"got {got}")


def test_toml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, "[central\nurl = 1\n"))
    assert "not valid TOML" in message
    assert "line 1" in message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('[counter]\nhall = "鼓楼"\n'.encode("gbk"))
    assert "UTF-8" in error_of(path)


def test_a_directory_is_not_a_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="directory"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[central]\ntiemout = 3",
            "[central] tiemout is not a setting; did you mean [central] timeout?",
        ),
        ("[centrl]\nurl = 'x'", "[centrl] is not a section; did you mean [central]?"),
        ("[ui]\nlanguage = 'zh'", "[ui] language is not a setting; did you mean [ui] lang?"),
        (
            "[keys]\ncall_nxt = 'f2'",
            "[keys] call_nxt is not a setting; did you mean [keys] call_next?",
        ),
        ("[network]\nproxy = 'x'", "[network] is not a section; the sections are [central], "),
        ("timeout = 3", "timeout is outside any section; did you mean [central] timeout?"),
    ],
)
def test_a_typo_names_the_nearest_valid_key(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_of(write(tmp_path, text + "\n"))


def test_a_section_must_be_a_table(tmp_path: Path) -> None:
    assert "[central] must be a table" in error_of(write(tmp_path, "central = 3\n"))


def test_one_key_for_two_actions_is_refused(tmp_path: Path) -> None:
    message = error_of(write(tmp_path, '[keys]\nfinish = "n"\n'))
    assert '[keys] finish uses "n", which call_next already uses' in message


def test_cli_flags_override_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[central]\nurl = "https://a.example"\n[ui]\nlang = "zh"\n')
    config = load_config(path, overrides={"central_url": "https://b.example/", "lang": None})
    assert config.central_url == "https://b.example"
    assert config.lang == "zh"  # None means "flag not given"


def test_a_wrong_flag_is_one_line_naming_the_flag(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.toml", overrides={"central_url": "central"})
    assert str(caught.value) == (
        "--url: must be an http:// or https:// address such as "
        'https://central.example.gov.cn, got "central"'
    )


def test_errors_follow_the_language(tmp_path: Path) -> None:
    i18n.set_language("zh")
    message = error_of(write(tmp_path, '[central]\ntimeout = "fast"\n'))
    assert "[central] timeout" in message
    assert "秒数" in message


@pytest.mark.parametrize(
    "text",
    [
        '[ui]\nlang = "\\u001b]0;pwned\\u0007"',  # an OSC sequence: would retitle the window
        '[ui]\ntheme = "\\u001b]52;c;cHduZWQ=\\u0007"',  # OSC 52: would write the clipboard
        '[central]\nurl = "http://x\\u009b31m"',  # a C1 control (CSI)
        '[ui]\n"\\u001b[2J" = 1',  # an unknown key is echoed too
    ],
)
def test_values_from_the_file_are_never_echoed_raw(tmp_path: Path, text: str) -> None:
    message = error_of(write(tmp_path, text + "\n"))
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in message), repr(message)
    assert "\\x1b" in message or "\\x9b" in message


@pytest.mark.parametrize("url", ["http://[::1", "https://x:abc", "http://x:99999", "http://:80"])
def test_a_url_with_a_bad_host_or_port_is_one_line(tmp_path: Path, url: str) -> None:
    message = error_of(write(tmp_path, f'[central]\nurl = "{url}"\n'))
    assert "url must be an http:// or https:// address" in message
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.toml", overrides={"central_url": url})
    assert str(caught.value).startswith("--url: must be")
