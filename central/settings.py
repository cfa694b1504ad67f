"""One central API instance's set-up: where its database lives, which hall it seeds, its clock."""

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
    # The service-item catalog (TOML, see central/catalog.py); None: the packaged demo catalog.
    catalog_path: str | None = None
    # A folder of holiday files (one TOML per year, see central/calendar.py) added to the
    # packaged ones: drop next year's file in and restart when the State Council publishes it.
    holidays_dir: str | None = None
    # 办不成事 escalations: working days to handle one, per category (疑难 / 复杂 / 紧急)…
    escalation_days: dict[str, int] = field(
        default_factory=lambda: {"difficult": 15, "complex": 5, "urgent": 1}
    )
    # …and how often the server looks for escalations that became due soon or overdue.
    escalation_check_s: float = 300.0
    # Ratings (好差评): citizens may rate a service for this many days after it finished…
    rating_window_days: int = 7
    # …then an unrated service gets the locality's default level (None: no default, it stays
    # unrated), stored flagged as a default and counted apart from citizens' ratings.
    rating_default_level: int | None = 5
    # Working days a supervisor gives to rectify an upheld 差评, unless they set another.
    rating_rectify_days: int = 15
