"""Storage faults (a full disk, a read-only file system, an I/O error) said as what they are.

A write that meets one is answered 503 with a sentence naming the cause, not a generic 500;
reads go on being served (they need no space), and writes work again by themselves once the
cause is gone: nothing is kept in a failed state. At start the same causes are one line.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

# SQLite's primary result codes (the low byte of the extended code).
_SQLITE = {13: "disk_full", 8: "read_only", 10: "io_error", 14: "cannot_open"}
# Operating-system errors met while preparing the database's folder and file.
_ERRNO = {
    errno.EROFS: "read_only",
    errno.ENOSPC: "disk_full",
    errno.EACCES: "cannot_open",
    errno.EPERM: "cannot_open",
    errno.EIO: "io_error",
}
# PostgreSQL's SQLSTATE codes.
_POSTGRES = {"53100": "disk_full", "25006": "read_only", "58030": "io_error", "53000": "disk_full"}

SENTENCES = {
    "disk_full": "The central's disk is full: nothing was saved. Reading still works; "
    "writing resumes by itself once space is freed.",
    "read_only": "The central's database has become read-only: nothing was saved. Reading "
    "still works; writing resumes once the database can be written again.",
    "io_error": "The central's disk could not be written (an input/output error): nothing was "
    "saved. Try again; if it lasts, the disk needs looking at.",
    "cannot_open": "The central cannot open its database file: nothing was saved.",
}
START_SENTENCES = {
    "disk_full": "the disk is full",
    "read_only": "the file system (or the database file) is read-only",
    "io_error": "the disk reports an input/output error",
    "cannot_open": "the file cannot be opened (its folder is missing or not writable)",
}


class StartupError(RuntimeError):
    """The central cannot start on its database; the message is the one line to print."""


def start_line(where: str, error: BaseException) -> StartupError:
    """One line for a storage fault met while the server starts (or None-cause: the error's
    own first line)."""
    found = cause(error)
    if found is None and isinstance(error, OSError):
        found = _ERRNO.get(error.errno or 0)
    if found in (None, "cannot_open") and _on_read_only_file_system(where):
        found = "read_only"  # SQLite says only that it cannot open a file it must write
    if found is None:
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        return StartupError(f"The central cannot use its database {where}: {detail}")
    return StartupError(f"The central cannot write its database {where}: {START_SENTENCES[found]}.")


def _on_read_only_file_system(where: str) -> bool:
    """Whether the database's file (or the nearest folder of its path that exists) lies on a
    file system mounted read-only."""
    path = Path(where.removeprefix("file:").split("?")[0])
    for place in (path, *path.parents):
        if place.exists():
            try:
                return bool(os.statvfs(place).f_flag & os.ST_RDONLY)
            except OSError:
                return False
    return False


def cause(error: BaseException) -> str | None:
    """ "disk_full", "read_only", "io_error", "cannot_open", or None for anything else."""
    orig: Any = getattr(error, "orig", None) or error
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return _SQLITE.get(code & 0xFF)
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str):
        return _POSTGRES.get(state)
    text = str(orig).lower()  # Python before 3.11 gives SQLite's message only
    for needle, name in (
        ("database or disk is full", "disk_full"),
        ("readonly database", "read_only"),
        ("read-only file system", "read_only"),
        ("disk i/o error", "io_error"),
        ("unable to open database file", "cannot_open"),
    ):
        if needle in text:
            return name
    return None
