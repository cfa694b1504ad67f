"""A few lines of Python run in a fresh interpreter at the project's root, for what only a new
process shows (which modules a start loads, what a keyring backend detection remembers): the
answer is the JSON the code prints on its last line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Only what the probe is given: no inherited config, keyring or language of the machine.
PLAIN_ENV = {"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8"}


def probe(code: str, env: dict[str, str] | None = None, *args: str) -> Any:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**PLAIN_ENV, **(env or {})},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
