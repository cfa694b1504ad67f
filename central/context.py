"""Who is acting, when and from where: handed to every engine operation (and into the audit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Actor:
    staff_no: str
    name: str
    role: str  # clerk, supervisor, device, admin
    department: str | None = None
    device_kind: str | None = None  # kiosk, pad, display (role device)
    usual_window: int | None = None

    @property
    def is_supervisor(self) -> bool:
        """Supervisors and admins may act on any window and any ticket."""
        return self.role in ("supervisor", "admin")


@dataclass(frozen=True)
class Ctx:
    """A staff member's (or device's) request: routes that act always have an actor, so the
    engine never re-checks "logged in"."""

    actor: Actor
    now: datetime
    hall: str
    source: str | None = None


@dataclass(frozen=True)
class SystemCtx:
    """The server's own work with no one acting: deadline checks, default ratings, a failed
    login (audited, but by no one)."""

    now: datetime
    hall: str
    source: str | None = None
    actor: None = None


# What the audit trail and the event log accept: anyone's action or the server's own.
Happening = Ctx | SystemCtx
