"""The terminal's start-up path stays light: no server parts, no pinyin tables.

`counter --url …` on a 2 GB thin client must not load FastAPI, SQLAlchemy, uvicorn or pypinyin;
those belong to `counter demo` / `counter serve` and are imported inside those code paths only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("fastapi", "sqlalchemy", "pypinyin", "uvicorn", "starlette", "alembic", "central")

PROBE = """
import importlib, json, pkgutil, sys
import counter.cli, counter.app, counter.core.config, counter.core.i18n, counter.core.credentials
import counter.demo, counter.demo.simulator, counter.core.session
import client.api, client.live, client.asgi, client.models, client.errors
import screens
for module in pkgutil.walk_packages(screens.__path__, "screens."):
    importlib.import_module(module.name)
# What `counter --url …` does before the App starts: parse, read the config, pick the language.
from counter.core import i18n
from counter.core.config import load_config
parser = counter.cli.build_parser()
parser.parse_args(["--url", "https://central.example.gov.cn"])
load_config(overrides={"central_url": "https://central.example.gov.cn"})
i18n.t("cli.error", message="x")
print(json.dumps(sorted(sys.modules)))
"""


def test_the_startup_path_imports_no_server_parts(tmp_path: Path) -> None:
    env = {"COUNTER_CONFIG": str(tmp_path / "absent.toml"), "LANG": "en_US.UTF-8"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**env, "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout.strip().splitlines()[-1]))
    assert "textual" in loaded and "counter.app" in loaded  # the probe really ran
    heavy = sorted(name for name in loaded if name.split(".")[0] in HEAVY)
    assert heavy == []
