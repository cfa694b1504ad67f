"""How one central API instance is set up: where its database lives, which hall it seeds, its clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone


def utc_now() -> datetime:
    """The real clock (aware UTC). Everything else takes `Settings.clock` so tests can fake time."""
    return datetime.now(timezone.utc)


@dataclass
class Settings:
    db_path: str = "counter-central.db"
    # A full SQLAlchemy URL (e.g. postgresql+psycopg://…) wins over db_path when given.
    db_url: str | None = None
    # "demo" loads the packaged demo hall; otherwise a path to a hall TOML file; None: no seed.
    seed: str | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
    token_ttl_s: int = 12 * 3600
    # Cheap argon2 parameters for tests and the classroom demo; never for a real hall.
    kdf_fast: bool = False
    # The hall code used when no seed names one.
    hall_code: str = "demo"
    # Server-Sent Events: a comment line this often keeps proxies from closing the stream.
    heartbeat_s: float = 15.0
    # …and the stream re-reads the events table this often, so events written by another
    # server process (which cannot wake this one's notifier) still arrive.
    events_recheck_s: float = 5.0
    # Login attempts: this many failures for one staff number within the window → 429.
    login_max_failures: int = 5
    login_window_s: int = 300
