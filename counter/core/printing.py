"""Printing and saving the intake's documents (受理通知书, 一次性告知书 …).

The hall configures a print command (`command = "lp -d counter5"` in [print], or
--print-command); the document goes to it on stdin as UTF-8. Both functions block: call them
from a thread worker.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from datetime import datetime
from pathlib import Path

from counter.core.i18n import t
from counter.core.places import data_dir, private_dir, write_atomic

PRINT_TIMEOUT_S = 30.0


class PrintError(Exception):
    """Printing failed; `reason` is one line for the clerk (the command's own words if any)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def print_document(command: str, text: str, timeout: float = PRINT_TIMEOUT_S) -> None:
    """Run `command` (no shell) with the document on its stdin; raise PrintError on failure."""
    try:
        argv = shlex.split(command)
    except ValueError as error:
        raise PrintError(str(error)) from error
    if not argv:
        raise PrintError(t("intake.print.empty"))
    try:
        done = subprocess.run(
            argv,
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as error:
        raise PrintError(t("intake.print.not_found", command=argv[0])) from error
    except subprocess.TimeoutExpired as error:
        raise PrintError(
            t("intake.print.timeout", command=argv[0], seconds=int(timeout))
        ) from error
    except OSError as error:
        raise PrintError(f"{argv[0]}: {error.strerror or error}") from error
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrintError(
            said[-1]
            if said
            else t("intake.print.exit_status", command=argv[0], status=done.returncode)
        )


def documents_dir() -> Path:
    return data_dir() / "documents"


def safe_name(text: str) -> str:
    """A file name part from a case number or title (no path separators, no oddities)."""
    return re.sub(r"[^0-9A-Za-z\u4e00-\u9fff_-]+", "-", text).strip("-") or "document"


def save_document(text: str, name: str, when: datetime, directory: Path | None = None) -> Path:
    """Save the document as a UTF-8 text file; answers the path written."""
    folder = directory or documents_dir()
    private_dir(folder)
    path = folder / f"{safe_name(name)}-{when.strftime('%Y%m%d-%H%M%S')}.txt"
    write_atomic(path, text if text.endswith("\n") else text + "\n")
    return path
