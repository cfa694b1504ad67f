"""Every string the terminal shows goes through `t(key)`.

Catalogs are TOML files in counter/core/locales/<lang>/*.toml; all files of a language are merged
the first time a string of that language is asked for (not at import: start-up stays light).
Tables flatten into dotted keys, so `[config] not_toml = "…"` is `t("config.not_toml")`.
"""

from __future__ import annotations

import marshal
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

Lang = Literal["zh", "en"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
# A key missing from a language falls back to this one, then to the key itself.
FALLBACK: Lang = "en"

LOCALES_DIR = Path(__file__).parent / "locales"

_lock = threading.Lock()
_catalogs: dict[str, dict[str, str]] = {}
_current: Lang | None = None


def detect_language(environ: Mapping[str, str] = os.environ) -> Lang:
    """The locale decides, as POSIX does: LC_ALL, then LC_MESSAGES, then LANG; zh_* → Chinese."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: Lang) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    global _current
    _current = lang


def current_language() -> Lang:
    """The language set by set_language, else the one the locale asks for."""
    return _current if _current is not None else detect_language()


def _flatten(table: Mapping[str, Any], prefix: str, into: dict[str, str], source: Path) -> None:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{name}.", into, source)
        elif isinstance(value, str):
            into[name] = value
        else:
            raise ValueError(f"{source}: {name} must be a string, got {type(value).__name__}")


def catalog_files(lang: str) -> list[Path]:
    return sorted((LOCALES_DIR / lang).glob("*.toml"))


def load_file(path: Path) -> dict[str, str]:
    """One catalog file, flattened to dotted keys."""
    from client.toml_file import read_toml  # only when the kept catalog does not hold

    data = read_toml(path)
    flat: dict[str, str] = {}
    _flatten(data, "", flat, path)
    return flat


def catalog(lang: str) -> dict[str, str]:
    """All strings of one language (loaded once, then cached)."""
    cached = _catalogs.get(lang)
    if cached is not None:
        return cached
    with _lock:
        if lang not in _catalogs:
            files = catalog_files(lang)
            stamp = _stamp(files)
            merged = _kept(lang, stamp)
            if merged is None:
                merged = {}
                for path in files:
                    merged.update(load_file(path))
                _keep(lang, stamp, merged)
            _catalogs[lang] = merged
        return _catalogs[lang]


# Parsing a language's TOML files costs ~7 ms of every start; the merged catalog is kept in the
# cache dir (marshal: ~0.5 ms to read) with the files' names, sizes and times, and is used only
# while every one of them is unchanged. Any fault reading or writing it: parse the files.
_KEPT_FORMAT = 1


def _stamp(files: list[Path]) -> tuple[Any, ...]:
    marks: list[Any] = [_KEPT_FORMAT, str(LOCALES_DIR)]
    for path in files:
        info = path.stat()
        marks.append((path.name, info.st_size, info.st_mtime_ns))
    return tuple(marks)


def _kept_path(lang: str) -> Path:
    from counter.core.places import cache_dir

    return cache_dir() / f"catalog-{lang}.marshal"


def _kept(lang: str, stamp: tuple[Any, ...]) -> dict[str, str] | None:
    try:
        kept_stamp, merged = marshal.loads(_kept_path(lang).read_bytes())
    except Exception:  # missing, unreadable, from another Python: parse the files
        return None
    if kept_stamp != stamp or not isinstance(merged, dict):
        return None
    return merged


def _keep(lang: str, stamp: tuple[Any, ...], merged: dict[str, str]) -> None:
    import contextlib
    import tempfile

    from counter.core.places import private_dir

    with contextlib.suppress(OSError, ValueError):
        path = _kept_path(lang)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=private_dir(path.parent))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps((stamp, merged)))
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def reload() -> None:
    """Forget loaded catalogs (tests that write catalogs; a language switch needs no reload)."""
    with _lock:
        _catalogs.clear()


def t(key: str, /, **kwargs: object) -> str:
    """The string for `key` in the current language, formatted with str.format(**kwargs).

    A key missing everywhere comes back as the key itself (tests catch those); a template whose
    placeholders do not match the arguments comes back unformatted rather than crash a screen.
    """
    lang = current_language()
    template = catalog(lang).get(key)
    if template is None and lang != FALLBACK:
        template = catalog(FALLBACK).get(key)
    if template is None:
        return key
    try:
        return template.format(**kwargs)
    except (KeyError, IndexError, ValueError):
        return template


def tn(key: str, count: int, /, **kwargs: object) -> str:
    """A sentence about `count` things: `key_one` for exactly one where the catalogs have it
    (English "1 item", "2 items"; Chinese says both alike), else `key`."""
    one = f"{key}_one"
    if count == 1 and (one in catalog(current_language()) or one in catalog(FALLBACK)):
        key = one
    return t(key, count=count, **kwargs)


def has(key: str) -> bool:
    return key in catalog(current_language())


def as_lang(value: str) -> Lang:
    """Checks a language code from outside (CLI, config)."""
    if value not in LANGUAGES:
        raise ValueError(value)
    return value
