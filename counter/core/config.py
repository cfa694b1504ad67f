"""The terminal's settings: a TOML file, then CLI flags on top.

The file lives at the platform config dir (`counter/config.toml`); COUNTER_CONFIG names another
path. A missing file means defaults. A wrong value, a TOML syntax error or an unknown key raises
ConfigError, whose text is one line naming the file, the key and what is allowed: a clerk or an
IT person fixes the file from that line alone, and a typo never passes silently.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from client.toml_file import TomlFileError, read_toml
from counter.core.i18n import t
from counter.core.keys import DEFAULT_KEYS, KEY_GROUPS

ENV_VAR = "COUNTER_CONFIG"

# The App hands Config.keys to Textual's keymap; the binding ids, their default keys and
# their screen groups come from the one key table (counter.core.keys).
__all__ = ["DEFAULT_KEYS", "KEY_GROUPS", "Config", "ConfigError", "config_path", "load_config"]

TIMEOUT_RANGE = (1.0, 120.0)
WINDOW_RANGE = (1, 999)
LANGS = ("zh", "en")

_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAME = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Config:
    central_url: str | None = None
    ca_bundle: str | None = None
    timeout: float = 10.0
    hall: str | None = None
    window: int | None = None
    lang: Literal["zh", "en"] | None = None
    theme: str = "textual-dark"
    # binding id → comma-separated keys (Textual keymap form): defaults merged with [keys].
    keys: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_KEYS))
    # A shell command that prints an intake receipt (future); None: no printing.
    print_command: str | None = None
    # The hall display board: device account (the password only if it should never be asked),
    # zone ("A,F" and "1-5,8"; None: the whole hall), voice on, and the speech command (the
    # sentence on stdin), what it reads (pinyin, hanzi or english) and a chime command.
    display_account: str | None = None
    display_password: str | None = None
    display_queues: str | None = None
    display_windows: str | None = None
    display_voice: bool = True
    voice_command: str = "espeak-ng -v cmn-latn-pinyin"
    voice_input: Literal["pinyin", "hanzi", "english"] = "pinyin"
    voice_chime: str | None = None
    # The kiosk box's slip printer (`counter kiosk-print`): the kiosk's device account.
    kiosk_account: str | None = None
    kiosk_password: str | None = None
    # The file these settings came from; None when no file was read.
    source: Path | None = None


def printable(text: str) -> str:
    """Text safe to print on a terminal: control and format characters (ESC, BEL, the C1
    controls, bidi overrides …) written as escapes, so a value in the file can never move the
    cursor, retitle the window or write the clipboard when an error shows it."""
    return "".join(
        ch
        if ch == " " or unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
        else ascii(ch)[1:-1]
        for ch in text
    )


class ConfigError(Exception):
    """A config problem, as one line: `<file>: <what is wrong and what is allowed>`.
    Whatever came from the file or the command line is printed escaped (see `printable`)."""

    def __init__(self, where: Path | str, message: str) -> None:
        self.where = printable(str(where))
        self.message = printable(message)
        super().__init__(f"{self.where}: {self.message}")


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    """THE place the config file is looked for: $COUNTER_CONFIG, else the platform config dir."""
    override = env.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("counter", appauthor=False) / "config.toml"


# --- checks of single values ----------------------------------------------------------------
# Each returns the clean value or raises _Bad(i18n key of what is allowed).


Check = Callable[[object], object]


class _Bad(Exception):
    def __init__(self, allowed_key: str, **kwargs: object) -> None:
        super().__init__(allowed_key)
        self.allowed_key = allowed_key
        self.kwargs = kwargs


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("config.allowed.text")
    if any(ord(ch) < 32 for ch in value):
        raise _Bad("config.allowed.text")
    return value.strip()


def _url(value: object) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/?#]+[^\s]*$", value.strip()):
        raise _Bad("config.allowed.url")
    try:  # "http://[::1" (an unclosed address) and "https://x:abc" (a port that is no number)
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise _Bad("config.allowed.url") from None
    if not parts.hostname or port == 0 or printable(value) != value:
        raise _Bad("config.allowed.url")
    return value.strip().rstrip("/")


def _timeout(value: object) -> float:
    low, high = TIMEOUT_RANGE
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise _Bad("config.allowed.timeout", low=int(low), high=int(high))
    return float(value)


def _window(value: object) -> int:
    low, high = WINDOW_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _Bad("config.allowed.window", low=low, high=high)
    return value


def _lang(value: object) -> str:
    if value not in LANGS:
        raise _Bad("config.allowed.lang")
    return str(value)


def _theme(themes: Collection[str]) -> Check:
    """A theme name, checked against `themes` (the UI toolkit's names; empty: not checked).
    The caller passes them so this core stays free of the UI toolkit."""

    def check(value: object) -> str:
        name = _text(value)
        if themes and name not in themes:
            near = difflib.get_close_matches(name, list(themes), n=1)
            if near:
                raise _Bad("config.allowed.theme_near", near=near[0])
            raise _Bad("config.allowed.theme", themes=", ".join(sorted(themes)))
        return name

    return check


def _zone_queues(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(
        r"\s*[A-Za-z]{1,4}(\s*,\s*[A-Za-z]{1,4})*\s*", value
    ):
        raise _Bad("config.allowed.zone_queues")
    return ",".join(part.strip().upper() for part in value.split(","))


def _zone_windows(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(
        r"\s*\d+(-\d+)?(\s*,\s*\d+(-\d+)?)*\s*", value
    ):
        raise _Bad("config.allowed.zone_windows")
    return value.replace(" ", "")


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad("config.allowed.flag")
    return value


def _voice_input(value: object) -> str:
    if value not in ("pinyin", "hanzi", "english"):
        raise _Bad("config.allowed.voice_input")
    return str(value)


def _keys(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("config.allowed.keys")
    keys = []
    for key in value.split(","):
        *mods, name = key.strip().split("+") if len(key.strip()) > 1 else [key.strip()]
        mods = [mod.lower() for mod in mods]
        # Named keys are lower case in Textual ("f2", "escape"); a single letter keeps its case.
        name = name.lower() if len(name) > 1 else name
        if not name or any(mod not in _MODIFIERS for mod in mods):
            raise _Bad("config.allowed.keys")
        if len(name) > 1 and not _KEY_NAME.match(name):
            raise _Bad("config.allowed.keys")
        keys.append("+".join([*mods, name]))
    return ",".join(keys)


def _ca_bundle(base: Path | None) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = _text(value)
        path = Path(text).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        if not path.is_file():
            raise _Bad("config.allowed.ca_bundle", path=str(path))
        return str(path)

    return check


# --- the file's shape -----------------------------------------------------------------------

# section → key → (Config field, check). [keys] is open-ended over DEFAULT_KEYS.


def _schema(
    base: Path | None, themes: Collection[str] = ()
) -> dict[str, dict[str, tuple[str, Check]]]:
    return {
        "central": {
            "url": ("central_url", _url),
            "ca_bundle": ("ca_bundle", _ca_bundle(base)),
            "timeout": ("timeout", _timeout),
        },
        "counter": {"hall": ("hall", _text), "window": ("window", _window)},
        "ui": {"lang": ("lang", _lang), "theme": ("theme", _theme(themes))},
        "print": {"command": ("print_command", _text)},
        # The hall display board (`counter display`): its device account, zone and voice.
        "display": {
            "account": ("display_account", _text),
            "password": ("display_password", _text),
            "queues": ("display_queues", _zone_queues),
            "windows": ("display_windows", _zone_windows),
            "voice": ("display_voice", _flag),
        },
        "kiosk": {"account": ("kiosk_account", _text), "password": ("kiosk_password", _text)},
        "voice": {
            "command": ("voice_command", _text),
            "input": ("voice_input", _voice_input),
            "chime": ("voice_chime", _text),
        },
    }


SECTIONS = ("central", "counter", "ui", "keys", "print", "display", "kiosk", "voice")


# Flags (and other overrides) by Config field: the check and how the CLI names it.
def _overrides(themes: Collection[str]) -> dict[str, tuple[str, Check]]:
    return {
        "central_url": ("--url", _url),
        "ca_bundle": ("--ca-bundle", _ca_bundle(None)),
        "timeout": ("--timeout", _timeout),
        "hall": ("--hall", _text),
        "window": ("--window", _window),
        "lang": ("--lang", _lang),
        "theme": ("--theme", _theme(themes)),
        "print_command": ("--print-command", _text),
        "display_queues": ("--queues", _zone_queues),
        "display_windows": ("--windows", _zone_windows),
        "display_voice": ("--voice", _flag),
    }


def _show(value: object) -> str:
    """A wrong value as the user wrote it, kept short and on one line."""
    if isinstance(value, str):
        text = '"' + printable(value) + '"'
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, list):
        text = "a list"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _bad_value(where: Path | str, key: str, bad: _Bad, value: object) -> ConfigError:
    allowed = t(bad.allowed_key, **bad.kwargs)
    return ConfigError(where, t("config.bad_value", key=key, allowed=allowed, got=_show(value)))


def _unknown(where: Path, what: str, name: str, valid: list[str], fmt: str) -> ConfigError:
    """`name` is not in `valid`: say which valid one was probably meant (fmt shows a name)."""
    shown = fmt.format(name)
    near = difflib.get_close_matches(name, valid, n=1, cutoff=0.5)
    if near:
        return ConfigError(
            where, t(f"config.unknown_{what}_near", name=shown, near=fmt.format(near[0]))
        )
    choices = ", ".join(fmt.format(v) for v in valid)
    return ConfigError(where, t(f"config.unknown_{what}", name=shown, valid=choices))


def _outside_section(
    where: Path, name: str, schema: dict[str, dict[str, tuple[str, Check]]]
) -> ConfigError:
    """`timeout = 3` at the top of the file: point at the section it belongs in."""
    every = [f"[{section}] {key}" for section, fields in schema.items() for key in fields]
    by_key = {key: f"[{section}] {key}" for section, fields in schema.items() for key in fields}
    near = difflib.get_close_matches(name, list(by_key), n=1, cutoff=0.5)
    if near:
        return ConfigError(where, t("config.outside_section_near", name=name, near=by_key[near[0]]))
    return ConfigError(where, t("config.outside_section", name=name, valid=", ".join(every)))


def _read(path: Path) -> dict[str, Any] | None:
    """The file's tables; None when there is no file (defaults apply)."""
    try:
        return read_toml(path)
    except TomlFileError as exc:
        if exc.kind == "missing":
            return None
        if exc.kind == "directory":
            raise ConfigError(path, t("config.is_directory")) from None
        if exc.kind == "unreadable":
            raise ConfigError(path, t("config.unreadable", reason=exc.detail)) from None
        if exc.kind == "not_utf8":
            raise ConfigError(path, t("config.not_utf8")) from None
        raise ConfigError(path, t("config.not_toml", reason=exc.detail)) from None


def _from_file(path: Path, data: dict[str, Any], themes: Collection[str]) -> dict[str, Any]:
    values: dict[str, Any] = {"source": path}
    schema = _schema(path.parent, themes)
    for section, table in data.items():
        if section not in SECTIONS and not isinstance(table, dict):
            raise _outside_section(path, section, schema)
        if section not in SECTIONS:
            raise _unknown(path, "section", section, list(SECTIONS), "[{}]")
        if not isinstance(table, dict):
            raise ConfigError(path, t("config.not_a_table", section=section))
        if section == "keys":
            values["keys"] = _keys_table(path, table)
            continue
        fields = schema[section]
        for key, value in table.items():
            if key not in fields:
                raise _unknown(path, "key", key, list(fields), f"[{section}] {{}}")
            name, check = fields[key]
            try:
                values[name] = check(value)
            except _Bad as bad:
                raise _bad_value(path, f"[{section}] {key}", bad, value) from None
    return values


def _keys_table(path: Path, table: dict[str, Any]) -> dict[str, str]:
    keys = dict(DEFAULT_KEYS)
    for action, value in table.items():
        if action not in DEFAULT_KEYS:
            raise _unknown(path, "key", action, list(DEFAULT_KEYS), "[keys] {}")
        try:
            keys[action] = _keys(value)
        except _Bad as bad:
            raise _bad_value(path, f"[keys] {action}", bad, value) from None
    # One key, one action per screen: a key bound twice there would do only one of them.
    app_keys = set(KEY_GROUPS["app"])
    for group in KEY_GROUPS.values():
        owner: dict[str, str] = {}
        for action in (*app_keys, *group):
            for key in keys[action].split(","):
                other = owner.setdefault(key, action)
                if other != action:
                    culprit, holder = (action, other) if action in table else (other, action)
                    raise ConfigError(
                        path, t("config.key_taken", action=culprit, key=key, other=holder)
                    )
    return keys


def load_config(
    path: Path | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    themes: Collection[str] = (),
) -> Config:
    """Settings from `path` (default: config_path()), with `overrides` (Config field → value,
    None meaning "not given", as argparse leaves it) on top; a theme must be one of `themes`
    (when given). Raises ConfigError."""
    path = config_path() if path is None else path
    data = _read(path)
    values = _from_file(path, data, themes) if data is not None else {}
    config = Config(**values)
    changes: dict[str, Any] = {}
    known = _overrides(themes)
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in known:
            raise ValueError(f"not an overridable setting: {name}")
        flag, check = known[name]
        try:
            changes[name] = check(value)
        except _Bad as bad:
            allowed = t(bad.allowed_key, **bad.kwargs)
            raise ConfigError(
                flag, t("config.bad_flag", allowed=allowed, got=_show(value))
            ) from None
    return replace(config, **changes) if changes else config
