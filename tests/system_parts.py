"""Parts of the distribution some tests need (PostgreSQL, Chromium, espeak-ng).

In CI (`CI` set, as `.ci/run` runs) a missing part fails the test: a green CI must never hide a
missing install step. On a developer's machine the test is skipped, and the session ends with one
line naming what was skipped and why (see `pytest_terminal_summary` in conftest.py).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

SKIPPED: dict[str, str] = {}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def find_program(*names: str, extra_dirs: tuple[str, ...] = ()) -> str | None:
    """The first of `names` on PATH or in `extra_dirs` (globs allowed), else None."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    for pattern in extra_dirs:
        for folder in sorted(Path("/").glob(pattern.lstrip("/")), reverse=True):
            for name in names:
                candidate = folder / name
                if candidate.is_file() and os.access(candidate, os.X_OK):
                    return str(candidate)
    return None


def require(part: str, available: bool, why: str) -> None:
    """Fail in CI, skip (and remember for the summary line) elsewhere, when `part` is missing."""
    if available:
        return
    message = f"{part} is not available: {why}"
    if in_ci():
        pytest.fail(f"{message} (.ci/run installs it; CI never skips it)", pytrace=False)
    SKIPPED.setdefault(part, why)
    pytest.skip(message)
