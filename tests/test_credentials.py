"""The token store: the OS keyring when there is one, memory (and a notice) when there is not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError, PasswordDeleteError

from counter.core import i18n
from counter.core.credentials import SERVICE, CachedToken, TokenStore
from counter.core.i18n import t

NOW = datetime(2026, 11, 17, 1, 30, tzinfo=timezone.utc)
URL = "https://central.example.gov.cn"


class MemoryKeyring(KeyringBackend):
    """A working keyring that lives in this test."""

    priority = 10

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


class BrokenKeyring(MemoryKeyring):
    """A keyring that was there at start and then stops answering (a locked collection)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("the collection is locked")


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    yield
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring(restore_keyring: None) -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def token(hours: float = 8) -> CachedToken:
    return CachedToken("1001", "tok-abc", NOW + timedelta(hours=hours))


def test_tokens_go_to_the_keyring_and_back(memory_keyring: MemoryKeyring) -> None:
    store = TokenStore()
    assert store.in_memory is False
    assert store.note is None
    store.save(URL + "/", token())
    # Stored per central API address, under the service name, as the token only.
    [(service, username)] = list(memory_keyring.entries)
    assert (service, username) == (SERVICE, URL)
    assert "tok-abc" in memory_keyring.entries[(SERVICE, URL)]
    # A new store (the next run of the terminal) finds it.
    assert TokenStore().load(URL, now=NOW) == token()


def test_no_password_field_exists() -> None:
    fields = set(CachedToken.__dataclass_fields__)
    assert fields == {"staff_no", "token", "expires_at"}


def test_delete_forgets_and_tolerates_nothing_saved(memory_keyring: MemoryKeyring) -> None:
    store = TokenStore()
    store.delete(URL)  # nothing saved: no error
    store.save(URL, token())
    store.delete(URL)
    assert memory_keyring.entries == {}
    assert store.load(URL, now=NOW) is None


def test_an_expired_token_is_not_loaded_and_is_removed(memory_keyring: MemoryKeyring) -> None:
    store = TokenStore()
    store.save(URL, token(hours=-1))
    assert store.load(URL, now=NOW) is None
    assert memory_keyring.entries == {}


def test_garbage_in_the_keyring_is_ignored(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.entries[(SERVICE, URL)] = "not json"
    assert TokenStore().load(URL, now=NOW) is None


def test_tokens_are_kept_per_central_api(memory_keyring: MemoryKeyring) -> None:
    store = TokenStore()
    store.save(URL, token())
    assert store.load("https://other.example", now=NOW) is None


def test_without_a_keyring_the_token_stays_in_memory_with_a_note(restore_keyring: None) -> None:
    keyring.set_keyring(fail.Keyring())
    store = TokenStore()
    assert store.in_memory is True
    assert store.note == "credentials.in_memory"
    i18n.set_language("en")
    assert "in memory" in t(store.note)  # the note is a catalog key the UI translates
    store.save(URL, token())
    assert store.load(URL, now=NOW) == token()
    # …for this run only: the next run starts without it.
    assert TokenStore().load(URL, now=NOW) is None
    store.delete(URL)
    assert store.load(URL, now=NOW) is None


def test_a_keyring_that_fails_later_falls_back_to_memory(restore_keyring: None) -> None:
    keyring.set_keyring(BrokenKeyring())
    store = TokenStore()
    assert store.in_memory is False
    store.save(URL, token())
    assert store.in_memory is True
    assert store.note == "credentials.failed"
    assert t(store.note) != store.note
    assert store.load(URL, now=NOW) == token()


def test_keyring_can_be_turned_off(memory_keyring: MemoryKeyring) -> None:
    store = TokenStore(use_keyring=False)
    store.save(URL, token())
    assert store.in_memory is True
    assert store.note is None  # on purpose (the demo): nothing to warn about
    assert memory_keyring.entries == {}
    assert store.load(URL, now=NOW) == token()


def test_naive_expiry_is_read_as_utc() -> None:
    text = '{"staff_no": "1001", "token": "t", "expires_at": "2026-11-17T09:30:00"}'
    cached = CachedToken.from_json(text)
    assert cached is not None
    assert cached.expires_at == datetime(2026, 11, 17, 9, 30, tzinfo=timezone.utc)
