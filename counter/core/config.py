"""The terminal's settings: a TOML file, then CLI flags on top.

The file lives at the platform config dir (`counter/config.toml`); COUNTER_CONFIG names another
path. A missing file means defaults. A wrong value, a TOML syntax error or an unknown key raises
ConfigError, whose text is one line naming the file, the key and what is allowed: a clerk or an
IT person fixes the file from that line alone, and a typo never passes silently.

This module is the settings themselves (Config) and where they come from; reading the file and
saying what is wrong with it is counter.core.config_reading, the checks of single values
counter.core.config_checks.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from counter.core.config_checks import printable
from counter.core.config_reading import ConfigError, checked_overrides, from_file, read_file
from counter.core.keys import DEFAULT_KEYS, KEY_GROUPS

ENV_VAR = "COUNTER_CONFIG"

# The App hands Config.keys to Textual's keymap; the binding ids, their default keys and
# their screen groups come from the one key table (counter.core.keys).
__all__ = [
    "DEFAULT_KEYS",
    "KEY_GROUPS",
    "Config",
    "ConfigError",
    "config_path",
    "load_config",
    "printable",
]


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


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    """THE place the config file is looked for: $COUNTER_CONFIG, else the platform config dir."""
    override = env.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path("counter", appauthor=False) / "config.toml"


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
    data = read_file(path)
    config = Config(**(from_file(path, data, themes) if data is not None else {}))
    changes = checked_overrides(overrides, themes)
    return replace(config, **changes) if changes else config
