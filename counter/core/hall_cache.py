"""The last counter screen a clerk saw, kept so the next start can paint it at once.

With a token kept, the terminal shows the counter from here (marked as not yet current) while
the keyring, the token check and the first fetch run, instead of the login form. One file per
central API and staff number in the cache dir, 0600: the clerk's name, the hall's windows and
queue figures (nothing a citizen typed, no token); central and clerk are checked inside it too
(a renamed or copied file is ignored), and anything unreadable is treated as no cache.

The terminal keeps the files of the clerk whose token it keeps for a central: keeping a token
drops every other clerk's file for that central (`keep_only`), forgetting it drops them all
(`forget_all`). A start still paints only the file of the clerk the keyring's token names.

Plain JSON in, plain dicts out: the start reads it through client.wire_view, without pydantic.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from counter.core.places import cache_dir, private_dir, write_atomic

FOLDER = "halls"
# The answers a cached paint needs: who, the hall, the clerk's window and its queue figures.
PARTS = ("me", "hall", "window", "queues")


def _central(url: str) -> str:
    return url.strip().rstrip("/")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _path(url: str, staff_no: str) -> Path:
    central = _central(url)
    name = f"{_digest(central)}-{_digest(central + chr(10) + staff_no)}.json"
    return cache_dir() / FOLDER / name


def _kept_files(url: str) -> list[Path]:
    folder = cache_dir() / FOLDER
    with contextlib.suppress(OSError):
        return sorted(folder.glob(f"{_digest(_central(url))}-*.json"))
    return []


def kept_for(url: str) -> bool:
    """Whether any clerk's counter is kept for this central (a look, no reading): the start
    then waits for the token rather than paint the login form first."""
    return bool(_kept_files(url))


def keep_only(url: str, staff_no: str) -> None:
    """A token for `staff_no` is kept for this central now: drop other clerks' counters."""
    mine = _path(url, staff_no)
    for path in _kept_files(url):
        if path != mine:
            with contextlib.suppress(OSError):
                path.unlink()


def save(url: str, staff_no: str, parts: dict[str, Any], saved_at: datetime) -> None:
    """Keep `parts` (each a JSON-ready dict, see PARTS) for this central and clerk."""
    record = {
        "central": _central(url),
        "staff_no": staff_no,
        "saved_at": saved_at.isoformat(),
        **{part: parts[part] for part in PARTS},
    }
    path = _path(url, staff_no)
    private_dir(path.parent)
    write_atomic(path, json.dumps(record, ensure_ascii=False))


def load(url: str, staff_no: str) -> dict[str, Any] | None:
    """The kept parts and "saved_at" for exactly this central and clerk, or None."""
    try:
        record = json.loads(_path(url, staff_no).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    if record.get("central") != _central(url) or record.get("staff_no") != staff_no:
        return None
    if not all(isinstance(record.get(part), dict) for part in PARTS):
        return None
    try:
        record["saved_at"] = datetime.fromisoformat(record["saved_at"])
    except (KeyError, TypeError, ValueError):
        return None
    return record


def forget(url: str, staff_no: str) -> None:
    with contextlib.suppress(OSError):
        _path(url, staff_no).unlink()


def forget_all(url: str) -> None:
    """No token is kept for this central any more: no counter of it either."""
    for path in _kept_files(url):
        with contextlib.suppress(OSError):
            path.unlink()
