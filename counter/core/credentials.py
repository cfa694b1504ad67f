"""Where the terminal keeps its sign-in between runs: the bearer token, never the password.

The OS keyring holds one token per central API address. Where no keyring backend works (SSH,
a headless box, a locked or missing secret service) the token stays in memory for this run
only: `in_memory` turns True and `note` holds the i18n key of the notice the UI shows.

Every method here may block (D-Bus, a keychain prompt): the UI calls them from a thread
worker (`@work(thread=True)`), never on the event loop.

Finding the keyring's backend is the slow part: keyring imports and asks every backend it
knows (the secret service's pulls in a cryptography library), some 60 ms and 20 MB at each
start. So the backend that worked is remembered by name (module and class, nothing secret) in
the terminal's cache dir, and the next start loads only that one; the full detection runs
again when the remembered one cannot be loaded, is not usable here, or fails when asked. A
backend named by PYTHON_KEYRING_BACKEND, keyringrc.cfg or keyring.set_keyring is used as
before. The token itself stays in the OS keyring.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "counter-desk"
# In cache_dir(): "module:Class" of the keyring backend that worked last time.
REMEMBERED_BACKEND = "keyring-backend"
_BACKEND_NAME = re.compile(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*")


@dataclass(frozen=True)
class CachedToken:
    staff_no: str
    token: str
    expires_at: datetime

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at <= (now or datetime.now(timezone.utc))

    def to_json(self) -> str:
        return json.dumps(
            {
                "staff_no": self.staff_no,
                "token": self.token,
                "expires_at": self.expires_at.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> CachedToken | None:
        """None for anything that is not a token this class wrote."""
        try:
            data = json.loads(text)
            expires_at = datetime.fromisoformat(data["expires_at"])
            staff_no, token = data["staff_no"], data["token"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(staff_no, str) or not isinstance(token, str):
            return None
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=timezone.utc)
        return cls(staff_no=staff_no, token=token, expires_at=expires_at)


def _key(url: str) -> str:
    """One entry per central API, whatever trailing slash the user typed."""
    return url.strip().rstrip("/")


def usable_backend() -> Any | None:
    """The keyring backend to use, or None when there is none that works here (keyring's
    own detection, or the choice its configuration or keyring.set_keyring made)."""
    try:
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
    except Exception as exc:  # a broken keyring install must not stop the terminal
        log.info("no keyring: %s", exc)
        return None
    if isinstance(backend, fail.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend):
        if not backend.backends:
            return None
        if len(backend.backends) == 1:
            return backend.backends[0]
    return backend


def _remembered_path() -> Path:
    from counter.core.places import cache_dir

    return cache_dir() / REMEMBERED_BACKEND


def _backend_chosen() -> bool:
    """True when this process or keyring's configuration names a backend: then it is used as
    keyring resolves it, never one remembered from an earlier start."""
    import keyring.core

    if keyring.core._keyring_backend is not None:  # keyring.set_keyring (tests, embedders)
        return True
    return keyring.core.load_env() is not None or keyring.core.load_config() is not None


def remembered_backend() -> Any | None:
    """The backend remembered from an earlier start, loaded alone, if it is usable here."""
    try:
        name = _remembered_path().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not _BACKEND_NAME.fullmatch(name):
        return None
    module_name, class_name = name.split(":")
    try:
        from keyring.backend import KeyringBackend

        cls = getattr(importlib.import_module(module_name), class_name)
        if not (isinstance(cls, type) and issubclass(cls, KeyringBackend) and cls.viable):
            return None
        return cls()
    except Exception as exc:  # gone, renamed, or not usable on this box: detect again
        log.info("remembered keyring %s not usable: %s", name, exc)
        return None


def remember_backend(backend: Any | None) -> None:
    """Remember the backend that worked, by name, for the next start (or forget it)."""
    from counter.core.places import private_dir, write_atomic

    path = _remembered_path()
    try:
        if backend is None:
            path.unlink(missing_ok=True)
            return
        cls = type(backend)
        name = f"{cls.__module__}:{cls.__qualname__}"
        if not _BACKEND_NAME.fullmatch(name) or name.startswith("keyring.backends.chainer"):
            return
        private_dir(path.parent)
        write_atomic(path, name + "\n")
    except OSError as exc:  # a read-only home: detection next time, nothing worse
        log.info("cannot remember the keyring backend: %s", exc)


class TokenStore:
    """Tokens by central API address, in the OS keyring or, failing that, in memory."""

    def __init__(self, service: str = SERVICE, use_keyring: bool = True) -> None:
        self.service = service
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self._backend: Any | None = None
        self._resolved = not use_keyring
        # The backend came from the remembered name (not detected in this run).
        self._remembered = False
        # Turned off on purpose (the demo: its tokens must not outlive it) needs no notice.
        self.note: str | None = None

    @property
    def in_memory(self) -> bool:
        """True when tokens live only as long as this process (first access may block)."""
        self._resolve()
        return self._backend is None

    def _resolve(self) -> None:
        with self._lock:
            if self._resolved:
                return
            self._resolved = True
            try:
                chosen = _backend_chosen()
            except Exception as exc:  # a broken keyring install must not stop the terminal
                log.info("no keyring: %s", exc)
                chosen = True
            if not chosen:
                self._backend = remembered_backend()
                self._remembered = self._backend is not None
            if self._backend is None:
                self._backend = usable_backend()
                if not chosen:
                    remember_backend(self._backend)
            if self._backend is None:
                self.note = "credentials.in_memory"

    def _detect_again(self) -> bool:
        """The remembered backend failed when asked: forget it and detect, once. True when
        detection found another backend to try."""
        with self._lock:
            if not self._remembered:
                return False
            self._remembered = False
            self._backend = usable_backend()
            remember_backend(self._backend)
            return self._backend is not None

    def _give_up_keyring(self, exc: Exception) -> None:
        # A backend that worked at start can fail later (locked collection, D-Bus gone):
        # carry on in memory for the rest of the run rather than lose the sign-in.
        log.warning("keyring failed, keeping the token in memory: %s", exc)
        with self._lock:
            self._backend = None
            self.note = "credentials.failed"

    def load(self, url: str, *, now: datetime | None = None) -> CachedToken | None:
        """The token saved for `url`, or None (none saved, unreadable, or expired)."""
        self._resolve()
        key = _key(url)
        text: str | None = self._memory.get(key)
        backend = self._backend
        if text is None and backend is not None:
            try:
                text = backend.get_password(self.service, key)
            except Exception as exc:
                if self._detect_again():
                    return self.load(url, now=now)
                self._give_up_keyring(exc)
        if text is None:
            return None
        cached = CachedToken.from_json(text)
        if cached is None or cached.expired(now):
            self.delete(url)
            return None
        return cached

    def save(self, url: str, cached: CachedToken) -> None:
        self._resolve()
        key = _key(url)
        text = cached.to_json()
        backend = self._backend
        if backend is not None:
            try:
                backend.set_password(self.service, key, text)
                self._memory.pop(key, None)
                return
            except Exception as exc:
                if self._detect_again():
                    self.save(url, cached)
                    return
                self._give_up_keyring(exc)
        self._memory[key] = text

    def delete(self, url: str) -> None:
        """Forget the token of `url` (sign-out, expired token); no error if there is none."""
        self._resolve()
        key = _key(url)
        self._memory.pop(key, None)
        backend = self._backend
        if backend is None:
            return
        try:
            from keyring.errors import PasswordDeleteError

            with contextlib.suppress(PasswordDeleteError):  # nothing saved: nothing to forget
                backend.delete_password(self.service, key)
        except Exception as exc:
            self._give_up_keyring(exc)
