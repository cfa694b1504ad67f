"""Where a CSV export goes: never over an existing file without asking.

An export dialog runs `AskBeforeReplacing` on the path when it is submitted. A path naming an
existing file is answered with a sentence saying so ("… exists: Enter again to replace it"),
and the same path submitted again counts as the yes; a folder is refused. The writer then opens
the file for replacing only when the clerk said yes, else for creating only, so a file that
appeared meanwhile is not replaced either.
"""

from __future__ import annotations

from pathlib import Path

from counter.core.i18n import t
from screens.text import clean


class AskBeforeReplacing:
    def __init__(self, exists_key: str, bad_path_key: str) -> None:
        self.exists_key = exists_key
        self.bad_path_key = bad_path_key
        self.warned: Path | None = None  # the existing file the clerk was told about

    def __call__(self, text: str) -> str:
        """The sentence to show at the field, or "" when the path may be written."""
        try:
            path = Path(text).expanduser()  # "~nobody/x.csv": no such user (RuntimeError)
        except RuntimeError as error:
            return t(self.bad_path_key, detail=clean(str(error)))
        if "\x00" in text:
            return t(self.bad_path_key, detail="NUL")
        if path.is_dir():
            return t(self.bad_path_key, detail=clean(str(path)))
        if path.exists() and path != self.warned:
            self.warned = path
            return t(self.exists_key, path=clean(str(path)))
        return ""

    def replaces(self, path: Path) -> bool:
        """Whether the clerk agreed to replace `path` (it existed and they submitted it again)."""
        return path == self.warned


def open_mode(replace: bool) -> str:
    """ "w" replaces a file the clerk agreed to replace; "x" refuses to touch any other."""
    return "w" if replace else "x"
