"""Reading a TOML file, once for every file the project reads (config, locales, hall, catalog,
holidays): the tomllib shim for Python 3.10 and one error that says what went wrong.

Each caller words the error for its reader (the config in the clerk's language, the server's
seed files in English) from `TomlFileError.kind` and `.detail`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

__all__ = ["TomlFileError", "read_toml"]  # and `tomllib`, loaded when first asked for


def __getattr__(name: str) -> Any:
    # The parser loads with the first file read: a terminal with no config file and its
    # catalogs kept (counter.core.i18n) starts without it.
    if name == "tomllib":
        return _parser()
    raise AttributeError(name)


def _parser() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


Problem = Literal["missing", "directory", "unreadable", "not_utf8", "not_toml"]


class TomlFileError(ValueError):
    """`kind` says what went wrong; `detail` is the system's or the parser's reason, one line."""

    def __init__(self, path: Path, kind: Problem, detail: str) -> None:
        self.path = path
        self.kind: Problem = kind
        self.detail = detail
        super().__init__(f"{path}: {self.sentence('file')}")

    def sentence(self, what: str) -> str:
        """In English, for server-side files: `cannot read the hall file (…)`."""
        if self.kind == "not_toml":
            return f"not valid TOML ({self.detail})"
        if self.kind == "not_utf8":
            return f"the {what} is not UTF-8 text"
        return f"cannot read the {what} ({self.detail})"


def read_toml(path: Path) -> dict[str, Any]:
    """The file's tables; raises TomlFileError (never OSError or a decode error)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise TomlFileError(path, "missing", exc.strerror or "not found") from None
    except IsADirectoryError as exc:
        raise TomlFileError(path, "directory", exc.strerror or "a directory") from None
    except OSError as exc:
        raise TomlFileError(path, "unreadable", str(exc.strerror or exc)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TomlFileError(path, "not_utf8", str(exc)) from None
    tomllib = _parser()
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlFileError(path, "not_toml", " ".join(str(exc).split())) from None
    return data
