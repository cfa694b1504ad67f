"""Half-finished intakes kept on the clerk's machine, so a crash, a closed terminal or a dropped
network never loses a case in progress (DESIGN.md §1: "never lose a half-finished case").

One JSON file per draft, mode 0600 inside a 0700 directory (it holds citizens' ID numbers),
written atomically (temp file + os.replace) so a crash mid-write leaves the previous version.
The intake screen saves on every step change and field blur and deletes the draft once the
case is stored on the central API. The folder is under counter.core.places.data_dir().
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from counter.core.places import data_dir, private_dir, write_atomic

_NAME = re.compile(r"^[0-9a-f]{32}$")


def drafts_dir() -> Path:
    return data_dir() / "drafts"


@dataclass
class Draft:
    """A draft as stored: who and where it belongs to, a summary to offer it by, the state."""

    id: str
    staff_no: str
    central: str
    saved_at: datetime
    step: str = "item"
    item_name: str = ""
    applicant_name: str = ""
    ticket_number: str = ""
    state: dict[str, Any] = field(default_factory=dict)
    # The hall the central served when the draft was made: a demo started again at the same
    # address is another hall's data (its ticket ids mean other tickets).
    hall: str = ""

    @property
    def ticket_id(self) -> int | None:
        value = self.state.get("ticket_id")
        return value if isinstance(value, int) else None

    def belongs_to(self, central: str, hall: str, ticket_id: int | None, number: str) -> bool:
        """Made here (same central, same hall) for the ticket now at the window (or for none)."""
        same_hall = not self.hall or not hall or self.hall == hall
        here = self.central == central and same_hall
        return here and self.ticket_id == ticket_id and self.ticket_number == number

    def to_json(self) -> str:
        data = {
            "id": self.id,
            "staff_no": self.staff_no,
            "central": self.central,
            "saved_at": self.saved_at.isoformat(),
            "step": self.step,
            "item_name": self.item_name,
            "applicant_name": self.applicant_name,
            "ticket_number": self.ticket_number,
            "state": self.state,
            "hall": self.hall,
        }
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Draft:
        data = json.loads(text)
        if not isinstance(data, dict) or not isinstance(data.get("state"), dict):
            raise ValueError("not a draft")
        return cls(
            id=str(data["id"]),
            staff_no=str(data["staff_no"]),
            central=str(data["central"]),
            saved_at=datetime.fromisoformat(str(data["saved_at"])),
            step=str(data.get("step", "item")),
            item_name=str(data.get("item_name", "")),
            applicant_name=str(data.get("applicant_name", "")),
            ticket_number=str(data.get("ticket_number", "")),
            state=data["state"],
            hall=str(data.get("hall", "")),
        )


def _path(draft_id: str) -> Path:
    if not _NAME.match(draft_id):
        raise ValueError(f"not a draft id: {draft_id!r}")
    return drafts_dir() / f"intake-{draft_id}.json"


_lock = threading.Lock()
_written: dict[str, int] = {}  # draft id → sequence number of the newest version on disk


def save(draft: Draft, sequence: int = 0) -> bool:
    """Store the draft; a save older than one already written (`sequence`) is dropped.

    Saves run in thread workers that may finish out of order; the sequence keeps the newest.
    Answers whether the draft was written.
    """
    with _lock:
        if sequence and _written.get(draft.id, 0) > sequence:
            return False
        private_dir(drafts_dir())
        write_atomic(_path(draft.id), draft.to_json())
        if sequence:
            _written[draft.id] = sequence
        return True


def delete(draft_id: str) -> None:
    with _lock:
        _written[draft_id] = 1 << 62  # a save still in flight must not bring it back
        with contextlib.suppress(FileNotFoundError):
            _path(draft_id).unlink()


def path_of(draft_id: str) -> Path:
    return _path(draft_id)


def pending(staff_no: str | None = None, central: str | None = None) -> list[Draft]:
    """Drafts kept on this machine (newest first), for one clerk and one central API if given
    (the intake asks for all of a clerk's, and says which belong elsewhere).

    A file that cannot be read (a foreign file, a half-written one from an old version) is
    skipped, not fatal: the clerk must still be able to open the intake.
    """
    directory = drafts_dir()
    if not directory.is_dir():
        return []
    found: list[Draft] = []
    for path in directory.glob("intake-*.json"):
        try:
            draft = Draft.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if staff_no is not None and draft.staff_no != staff_no:
            continue
        if central is not None and draft.central != central:
            continue
        found.append(draft)
    found.sort(key=lambda d: d.saved_at, reverse=True)
    return found
