"""The SQLite database's files hold ID numbers, phones and password hashes: only the server's
own user may read them.

Before SQLite opens the database the first time, the server creates its folder 0700 (when it
makes the folder) and the file 0600; SQLite gives its -wal and -shm files the mode of the
database file. An existing file (or -wal, -shm, folder it made) that others may read is said at
start, once, in the log: the server does not change a mode an administrator may have chosen.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("central")

SUFFIXES = ("", "-wal", "-shm")


def prepare(database: str) -> list[str]:
    """Create the folder and the empty file when missing (0700, 0600); answer one sentence per
    existing file that group or others may read or write (also logged as a warning)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return []
    path = Path(database).expanduser()
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    if not path.exists():
        # O_EXCL: a file made meanwhile by someone else is left as it is (and checked below).
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    warnings = []
    for suffix in SUFFIXES:
        found = Path(f"{path}{suffix}")
        try:
            mode = stat.S_IMODE(found.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            warnings.append(
                f"{found} can be read by others (mode {mode:04o}); it holds ID numbers and "
                f"password hashes: chmod 600 {found}"
            )
    for sentence in warnings:
        log.warning(sentence)
    return warnings
