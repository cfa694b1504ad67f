"""Reading the config file and reporting what is wrong with it: the file's shape (sections, keys,
the Config field and check of each), [keys] checked against the one key table, and every
problem said as one ConfigError line naming the file, the key and what is allowed, with the
nearest valid name where a typo is likely. counter.core.config builds the Config from this.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from client.toml_file import TomlFileError, read_toml
from counter.core import config_checks as checks
from counter.core.config_checks import Bad, Check, printable
from counter.core.i18n import t
from counter.core.keys import DEFAULT_KEYS, KEY_GROUPS


class ConfigError(Exception):
    """A config problem, as one line: `<file>: <what is wrong and what is allowed>`.
    Whatever came from the file or the command line is printed escaped (see `printable`)."""

    def __init__(self, where: Path | str, message: str) -> None:
        self.where = printable(str(where))
        self.message = printable(message)
        super().__init__(f"{self.where}: {self.message}")


# --- the file's shape -----------------------------------------------------------------------

# section → key → (Config field, check). [keys] is open-ended over DEFAULT_KEYS.


def _schema(
    base: Path | None, themes: Collection[str] = ()
) -> dict[str, dict[str, tuple[str, Check]]]:
    return {
        "central": {
            "url": ("central_url", checks.url),
            "ca_bundle": ("ca_bundle", checks.ca_bundle(base)),
            "timeout": ("timeout", checks.timeout),
        },
        "counter": {"hall": ("hall", checks.text), "window": ("window", checks.window)},
        "ui": {"lang": ("lang", checks.lang), "theme": ("theme", checks.theme(themes))},
        "print": {"command": ("print_command", checks.text)},
        # The hall display board (`counter display`): its device account, zone and voice.
        "display": {
            "account": ("display_account", checks.text),
            "password": ("display_password", checks.text),
            "queues": ("display_queues", checks.zone_queues),
            "windows": ("display_windows", checks.zone_windows),
            "voice": ("display_voice", checks.flag),
        },
        "kiosk": {
            "account": ("kiosk_account", checks.text),
            "password": ("kiosk_password", checks.text),
        },
        "voice": {
            "command": ("voice_command", checks.text),
            "input": ("voice_input", checks.voice_input),
            "chime": ("voice_chime", checks.text),
        },
    }


SECTIONS = ("central", "counter", "ui", "keys", "print", "display", "kiosk", "voice")


# Flags (and other overrides) by Config field: the check and how the CLI names it.
def _overrides(themes: Collection[str]) -> dict[str, tuple[str, Check]]:
    return {
        "central_url": ("--url", checks.url),
        "ca_bundle": ("--ca-bundle", checks.ca_bundle(None)),
        "timeout": ("--timeout", checks.timeout),
        "hall": ("--hall", checks.text),
        "window": ("--window", checks.window),
        "lang": ("--lang", checks.lang),
        "theme": ("--theme", checks.theme(themes)),
        "print_command": ("--print-command", checks.text),
        "display_queues": ("--queues", checks.zone_queues),
        "display_windows": ("--windows", checks.zone_windows),
        "display_voice": ("--voice", checks.flag),
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


def _bad_value(where: Path | str, key: str, bad: Bad, value: object) -> ConfigError:
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


def read_file(path: Path) -> dict[str, Any] | None:
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


def from_file(path: Path, data: dict[str, Any], themes: Collection[str]) -> dict[str, Any]:
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
            except Bad as bad:
                raise _bad_value(path, f"[{section}] {key}", bad, value) from None
    return values


def _keys_table(path: Path, table: dict[str, Any]) -> dict[str, str]:
    keys = dict(DEFAULT_KEYS)
    for action, value in table.items():
        if action not in DEFAULT_KEYS:
            raise _unknown(path, "key", action, list(DEFAULT_KEYS), "[keys] {}")
        try:
            keys[action] = checks.keys(value)
        except Bad as bad:
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


def checked_overrides(
    overrides: Mapping[str, Any] | None, themes: Collection[str]
) -> dict[str, Any]:
    """The flags given (Config field → value; None: not given, as argparse leaves it), checked
    as their keys in the file are; a wrong one is said naming the flag."""
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
        except Bad as bad:
            allowed = t(bad.allowed_key, **bad.kwargs)
            raise ConfigError(
                flag, t("config.bad_flag", allowed=allowed, got=_show(value))
            ) from None
    return changes
