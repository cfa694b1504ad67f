"""The config's checks of single values: each returns the clean value or raises Bad (the i18n
key of what is allowed), which counter.core.config_reading turns into one line naming the file
and the key. `printable` escapes whatever came from the file before any error shows it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Collection
from pathlib import Path
from urllib.parse import urlsplit

TIMEOUT_RANGE = (1.0, 120.0)
WINDOW_RANGE = (1, 999)
LANGS = ("zh", "en")

_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_KEY_NAME = re.compile(r"^[a-z0-9_]+$")


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


Check = Callable[[object], object]


class Bad(Exception):
    def __init__(self, allowed_key: str, **kwargs: object) -> None:
        super().__init__(allowed_key)
        self.allowed_key = allowed_key
        self.kwargs = kwargs


def text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Bad("config.allowed.text")
    if any(ord(ch) < 32 for ch in value):
        raise Bad("config.allowed.text")
    return value.strip()


def url(value: object) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^\s/?#]+[^\s]*$", value.strip()):
        raise Bad("config.allowed.url")
    try:  # "http://[::1" (an unclosed address) and "https://x:abc" (a port that is no number)
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        raise Bad("config.allowed.url") from None
    if not parts.hostname or port == 0 or printable(value) != value:
        raise Bad("config.allowed.url")
    return value.strip().rstrip("/")


def timeout(value: object) -> float:
    low, high = TIMEOUT_RANGE
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise Bad("config.allowed.timeout", low=int(low), high=int(high))
    return float(value)


def window(value: object) -> int:
    low, high = WINDOW_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Bad("config.allowed.window", low=low, high=high)
    return value


def lang(value: object) -> str:
    if value not in LANGS:
        raise Bad("config.allowed.lang")
    return str(value)


def theme(themes: Collection[str]) -> Check:
    """A theme name, checked against `themes` (the UI toolkit's names; empty: not checked).
    The caller passes them so this core stays free of the UI toolkit."""

    def check(value: object) -> str:
        name = text(value)
        if themes and name not in themes:
            near = difflib.get_close_matches(name, list(themes), n=1)
            if near:
                raise Bad("config.allowed.theme_near", near=near[0])
            raise Bad("config.allowed.theme", themes=", ".join(sorted(themes)))
        return name

    return check


def zone_queues(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(
        r"\s*[A-Za-z]{1,4}(\s*,\s*[A-Za-z]{1,4})*\s*", value
    ):
        raise Bad("config.allowed.zone_queues")
    return ",".join(part.strip().upper() for part in value.split(","))


def zone_windows(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(
        r"\s*\d+(-\d+)?(\s*,\s*\d+(-\d+)?)*\s*", value
    ):
        raise Bad("config.allowed.zone_windows")
    return value.replace(" ", "")


def flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise Bad("config.allowed.flag")
    return value


def voice_input(value: object) -> str:
    if value not in ("pinyin", "hanzi", "english"):
        raise Bad("config.allowed.voice_input")
    return str(value)


def keys(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Bad("config.allowed.keys")
    keys = []
    for key in value.split(","):
        *mods, name = key.strip().split("+") if len(key.strip()) > 1 else [key.strip()]
        mods = [mod.lower() for mod in mods]
        # Named keys are lower case in Textual ("f2", "escape"); a single letter keeps its case.
        name = name.lower() if len(name) > 1 else name
        if not name or any(mod not in _MODIFIERS for mod in mods):
            raise Bad("config.allowed.keys")
        if len(name) > 1 and not _KEY_NAME.match(name):
            raise Bad("config.allowed.keys")
        keys.append("+".join([*mods, name]))
    return ",".join(keys)


def ca_bundle(base: Path | None) -> Callable[[object], str]:
    def check(value: object) -> str:
        path = Path(text(value)).expanduser()
        if not path.is_absolute() and base is not None:
            path = base / path
        if not path.is_file():
            raise Bad("config.allowed.ca_bundle", path=str(path))
        return str(path)

    return check
