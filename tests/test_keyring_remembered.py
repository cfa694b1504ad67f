"""The keyring backend that worked is remembered, so the next start loads only it; when the
remembered one cannot be loaded or fails when asked, keyring's full detection runs again.

Each start is a fresh process (keyring keeps its choice in module globals), with keyring
finding a file-backed test backend the way it finds an installed plugin: a package entry
point on the path, no PYTHON_KEYRING_BACKEND.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.probe import ROOT, probe

# A working file keyring, and one that loads but fails when asked (a locked collection).
PLUGIN = """
import json, os
from pathlib import Path
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError


class FileKeyring(KeyringBackend):
    priority = 1

    def _path(self):
        return Path(os.environ["TEST_KEYRING_FILE"])

    def _load(self):
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service, username):
        return self._load().get(service + "/" + username)

    def set_password(self, service, username, password):
        data = self._load()
        data[service + "/" + username] = password
        self._path().write_text(json.dumps(data))

    def delete_password(self, service, username):
        data = self._load()
        data.pop(service + "/" + username, None)
        self._path().write_text(json.dumps(data))


class LockedKeyring(FileKeyring):
    def get_password(self, service, username):
        raise KeyringError("the collection is locked")

    set_password = get_password


# Remembered from an earlier start, but not one detection would choose on this box now.
KeyringBackend._classes.discard(LockedKeyring)
"""

# One start of the terminal's token store: save or load, then what it used.
START = """
import json, sys
from datetime import datetime, timedelta, timezone
from counter.core.credentials import CachedToken, TokenStore
URL = "https://central.example.gov.cn"
store = TokenStore()
if sys.argv[1] == "save":
    expires = datetime.now(timezone.utc) + timedelta(hours=8)
    store.save(URL, CachedToken("1001", "tok-abc", expires))
cached = store.load(URL)
print(json.dumps({
    "token": cached.token if cached else None,
    "in_memory": store.in_memory,
    "backend": type(store._backend).__name__,
    # keyring's detection imports every backend module it knows, the secret service's too.
    "detected": "keyring.backends.SecretService" in sys.modules,
}))
"""


def _plugin_dir(tmp_path: Path) -> Path:
    plugins = tmp_path / "plugins"
    info = plugins / "counter_test_keyring-0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: counter-test-keyring\nVersion: 0\n"
    )
    (info / "entry_points.txt").write_text("[keyring.backends]\ntest = test_file_keyring\n")
    (plugins / "test_file_keyring.py").write_text(PLUGIN)
    return plugins


def _start(tmp_path: Path, action: str) -> dict[str, object]:
    env = {
        "PYTHONPATH": f"{ROOT}:{_plugin_dir(tmp_path)}",
        "TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
        "COUNTER_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # no keyringrc.cfg choosing for it
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    answer: dict[str, object] = probe(START, env, action)
    return answer


def _remembered(tmp_path: Path) -> str:
    return (tmp_path / "cache" / "keyring-backend").read_text().strip()


def test_the_next_start_loads_only_the_backend_that_worked(tmp_path: Path) -> None:
    first = _start(tmp_path, "save")
    assert first == {
        "token": "tok-abc",
        "in_memory": False,
        "backend": "FileKeyring",
        "detected": True,
    }
    assert _remembered(tmp_path) == "test_file_keyring:FileKeyring"
    assert (tmp_path / "cache" / "keyring-backend").stat().st_mode & 0o077 == 0

    again = _start(tmp_path, "load")
    assert again == {
        "token": "tok-abc",
        "in_memory": False,
        "backend": "FileKeyring",
        "detected": False,
    }
    # The token is in the keyring, not beside the remembered name.
    assert "tok-abc" in (tmp_path / "keyring.json").read_text()
    assert "tok-abc" not in _remembered(tmp_path)


@pytest.mark.parametrize(
    "remembered",
    [
        "keyring_that_was_removed:Keyring",  # the backend's package is gone
        "test_file_keyring:LockedKeyring",  # loads, says usable, refuses to answer (locked)
        "json:JSONDecoder",  # a name that is no keyring backend at all
    ],
)
def test_a_remembered_backend_that_does_not_work_falls_back_to_detection(
    tmp_path: Path, remembered: str
) -> None:
    _start(tmp_path, "save")
    (tmp_path / "cache" / "keyring-backend").write_text(remembered + "\n")
    again = _start(tmp_path, "load")
    assert again == {
        "token": "tok-abc",
        "in_memory": False,
        "backend": "FileKeyring",
        "detected": True,
    }
    assert _remembered(tmp_path) == "test_file_keyring:FileKeyring"
