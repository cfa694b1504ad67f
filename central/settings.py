"""One central API instance's set-up: its database, the hall it seeds, the hall's rules, its clock.

A hall sets these in a TOML file (`counter serve --config central.toml`, or the path in
`COUNTER_CENTRAL_CONFIG`), top-level keys named as the fields below, and/or in environment
variables `COUNTER_<FIELD>` (e.g. `COUNTER_DB_URL`), which win over the file. `load_settings`
reads both and turns a wrong value into one line naming the file (or variable), the key and
what is allowed. Plain `Settings(db_path=…, seed=…)` (tests, the demo) reads neither.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

ENV_PREFIX = "COUNTER_"
CONFIG_ENV = "COUNTER_CENTRAL_CONFIG"


def utc_now() -> datetime:
    """The real clock (aware UTC). Everything else takes `Settings.clock` so tests can fake time."""
    return datetime.now(timezone.utc)


# (config file or None) while load_settings builds a Settings; None outside: no env, no file.
_LOADING: ContextVar[tuple[Path | None] | None] = ContextVar("counter_settings", default=None)


class Settings(BaseSettings):
    """Everything a hall's central is set up with. Every field is a key of central.toml."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        extra="forbid",
        case_sensitive=False,
        use_attribute_docstrings=True,
    )

    db_path: str = "counter-central.db"
    """SQLite: the database file (`counter serve --db PATH`)."""
    db_url: str | None = None
    """A database URL, e.g. postgresql+psycopg://counter@db.example/hall_0101 (wins over
    db_path). Put the password in ~/.pgpass or PGPASSWORD rather than here."""
    seed: str | None = None
    """"demo" loads the packaged demo hall; otherwise a hall TOML file; None: no seed. Only an
    empty database is seeded."""
    clock: Callable[[], datetime] = Field(default=utc_now, exclude=True)
    """The clock (a test hook; never read from a file)."""
    token_ttl_s: int = Field(default=12 * 3600, ge=60)
    """Seconds a login token stays valid."""
    kdf_fast: bool = False
    """Cheap argon2 parameters for tests and the classroom demo; never for a real hall."""
    hall_code: str = "demo"
    """The hall code used when no seed names one."""
    heartbeat_s: float = Field(default=15.0, gt=0)
    """Server-Sent Events: a comment line this often keeps proxies from closing the stream."""
    events_recheck_s: float = Field(default=5.0, gt=0)
    """The event reader re-reads the events table at least this often, even when nothing woke
    it (a safety net under LISTEN/NOTIFY and the in-process wake-up)."""
    login_max_failures: int = Field(default=5, ge=1)
    """Login attempts: this many failures for one staff number from one source (address)
    within the window → 429 for that source, with Retry-After, until the oldest ages out."""
    login_window_s: int = Field(default=300, ge=1)
    """…the window, in seconds."""
    login_staff_max_failures: int = Field(default=20, ge=1)
    """…and this many for one staff number from all sources together: from then on every
    source is slowed to one attempt per `login_slow_s` (never locked: the right password still
    gets in), so guessing from many addresses stays slow."""
    login_slow_s: float = Field(default=10.0, gt=0, le=3600)
    """…seconds between two attempts for a staff number under that slow-down."""
    catalog_path: str | None = None
    """The service-item catalog (TOML, see central/catalog.py); None: the packaged demo one."""
    holidays_dir: str | None = None
    """A folder of holiday files (one TOML per year, see central/calendar.py) added to the
    packaged ones: drop next year's file in and restart when the State Council publishes it."""
    escalation_days: dict[str, int] = Field(
        default_factory=lambda: {"difficult": 15, "complex": 5, "urgent": 1}
    )
    """办不成事 escalations: working days to handle one, per category (疑难 / 复杂 / 紧急)."""
    escalation_check_s: float = Field(default=300.0, gt=0)
    """…and how often (seconds) the server looks for escalations due soon or overdue."""
    rating_window_days: int = Field(default=7, ge=1, le=365)
    """Ratings (好差评): citizens may rate a service for this many days after it finished…"""
    rating_default_level: int | None = Field(default=5, ge=1, le=5)
    """…then an unrated service gets the locality's default level 1–5 (None: no default, it
    stays unrated), stored flagged as a default and counted apart from citizens' ratings."""
    rating_rectify_days: int = Field(default=15, ge=1)
    """Working days a supervisor gives to rectify an upheld 差评, unless they set another."""
    alert_wait_s: int = Field(default=1800, ge=60)
    """Supervisor alerts: a ticket waiting longer than this many seconds raises an alert…"""
    alert_pause_s: int = Field(default=1800, ge=60)
    """…a window paused longer than this…"""
    alert_idle_s: int = Field(default=180, ge=30)
    """…a signed-on window idle this long while people wait for it…"""
    queue_warn_level: int = Field(default=20, ge=1)
    """…a queue with more people waiting than this (its warning level)…"""
    queue_warn_levels: dict[str, int] = Field(default_factory=dict)
    """…or than its own level here, by queue prefix (e.g. {B = 10})."""
    alert_check_s: float = Field(default=30.0, gt=0)
    """How often (seconds) the server looks for new alerts."""
    db_pool_size: int = Field(default=40, ge=1, le=500)
    """Database connections this instance keeps open: one per server worker thread (the
    thread pool runs 40), so requests never open a fresh session."""
    workers: int = Field(default=1, ge=1, le=64)
    """Server processes on the one port (`counter serve --workers N`), sharing the database:
    a burst of requests is spread over the machine's cores (see the README's deployment)."""
    voice_template: str = "请{ticket}号到{window}号窗口办理"
    """The hall's call announcement ({ticket} is spoken digit by digit, {window} as a number)."""
    voice_template_en: str | None = None
    """The same in English, said after it (e.g. "Number {ticket}, please go to window
    {window}."); None: Mandarin only."""
    voice_command: str = "espeak-ng -v cmn-latn-pinyin --stdout"
    """The speech engine for the pages' audio: the sentence on stdin, a WAV on stdout."""
    voice_command_en: str = "espeak-ng -v en --stdout"
    """…and for the English sentence."""
    voice_input: Literal["pinyin", "hanzi"] = "pinyin"
    """What the engine is given: pinyin with tone numbers (espeak-ng) or the characters."""
    device_session_ttl_s: int = Field(default=30 * 24 * 3600, ge=60)
    """Seconds a hall device's page (display board) stays signed in."""
    housekeeping_s: float = Field(default=60.0, ge=0)
    """The periodic job (default ratings, pruning, planner statistics) runs this often, in
    seconds; 0: never (tests run it by hand)."""
    events_keep_days: int = Field(default=3, ge=1)
    """Live events are kept this many days for streams to resume from, then pruned."""
    idempotency_keep_h: int = Field(default=24, ge=1)
    """A POST's first answer is kept this many hours for its retries, then pruned."""
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    """The largest request body taken; a larger one is answered 413 before it is read."""
    trusted_proxies: list[str] = Field(default_factory=list)
    """Addresses or networks (e.g. "10.0.0.5", "10.1.0.0/16") of the hall's reverse proxies.
    Only a request from one of them may name its client in X-Forwarded-For; from anyone else
    the header is ignored, so the audit's source cannot be forged. Empty: trust none."""
    hot_front: bool = True
    """The counter's action keys (call-next, the ticket steps) answered ahead of FastAPI's
    middleware stack (central.hot_front): the same answers for less CPU. False: every request
    through the full app (to compare the two, or to rule the front out)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        loading = _LOADING.get()
        if loading is None:
            return (init_settings,)
        (path,) = loading
        if path is None:
            return (init_settings, env_settings)
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, path))


class SettingsError(ValueError):
    """A wrong central set-up value, said in one line."""


_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def redact(text: str) -> str:
    """`text` with any URL password replaced by ***: for log lines, errors and messages."""
    return _URL_PASSWORD.sub(r"\1***@", text)


@contextmanager
def _loading(path: Path | None) -> Iterator[None]:
    token = _LOADING.set((path,))
    try:
        yield
    finally:
        _LOADING.reset(token)


def _where(key: str, path: Path | None) -> str:
    env = f"{ENV_PREFIX}{key.upper()}"
    if env in os.environ:
        return env
    return str(path) if path is not None else "the command line"


def _one_line(exc: ValidationError, path: Path | None) -> str:
    error = exc.errors()[0]
    key = ".".join(str(part) for part in error["loc"]) or "?"
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(sorted(f for f in Settings.model_fields if f != "clock"))
        return f"{path or 'settings'}: unknown key {key!r}; allowed keys: {allowed}"
    field = key.split(".")[0]
    got = redact(repr(error.get("input")))
    return f"{_where(field, path)}: {key}: {error['msg']} (got {got})"


def load_settings(path: Path | None = None, **given: Any) -> Settings:
    """The settings from `given` (command-line flags), COUNTER_* variables and the TOML file.

    `path` None: the file named by COUNTER_CENTRAL_CONFIG, if any. Raises SettingsError.
    """
    if path is None and os.environ.get(CONFIG_ENV):
        path = Path(os.environ[CONFIG_ENV])
    if path is not None and not path.is_file():
        raise SettingsError(f"{path}: no such config file")
    given = {key: value for key, value in given.items() if value is not None}
    try:
        with _loading(path):
            return Settings(**given)
    except ValidationError as exc:
        raise SettingsError(_one_line(exc, path)) from None
    except ValueError as exc:  # a TOML syntax error
        raise SettingsError(f"{path}: {redact(str(exc))}") from None
