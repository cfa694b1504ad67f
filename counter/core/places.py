"""Where the terminal keeps things on this machine, and the one way it writes a file.

- data_dir(): the terminal's own state (drafts, saved receipts): $COUNTER_DATA_DIR or the
  platform state dir. It holds citizens' ID numbers: files 0600 in 0700 directories.
- cache_dir(): what can be fetched again (the catalog): $COUNTER_CACHE_DIR or the platform
  cache dir.
- The config file's place is counter.core.config.config_path ($COUNTER_CONFIG).

Tests point all three at a temporary folder (tests/conftest.py), never at the real home.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

DATA_ENV = "COUNTER_DATA_DIR"
CACHE_ENV = "COUNTER_CACHE_DIR"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def data_dir() -> Path:
    override = os.environ.get(DATA_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_state_path

    return user_state_path("counter", appauthor=False)


def cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("counter", appauthor=False)


def private_dir(directory: Path) -> Path:
    """Create `directory` (and its parents) readable by this user only."""
    directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    with contextlib.suppress(OSError):
        os.chmod(directory, PRIVATE_DIR)
    return directory


def write_atomic(path: Path, text: str, mode: int = PRIVATE_FILE) -> None:
    """Write `text` to `path` so that readers see the old file or the new one, never half."""
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)  # created 0600
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
