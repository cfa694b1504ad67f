"""The terminal's start-up path stays light: no server parts, no pinyin tables.

`counter --url …` on a 2 GB thin client must not load FastAPI, SQLAlchemy, uvicorn or pypinyin;
those belong to `counter demo` / `counter serve` and are imported inside those code paths only.
"""

from __future__ import annotations

from pathlib import Path

from tests.probe import probe

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
    env = {"COUNTER_CONFIG": str(tmp_path / "absent.toml")}
    loaded = set(probe(PROBE, env))
    assert "textual" in loaded and "counter.app" in loaded  # the probe really ran
    heavy = sorted(name for name in loaded if name.split(".")[0] in HEAVY)
    assert heavy == []


# Off the path to the first paint: the wire models' pydantic (loaded with the first answer the
# terminal reads), httpx's command-line tool (click, pygments) and the keyring (read in a
# thread once the App runs). Each was a tenth or more of the start (README, start-up figures).
NOT_BEFORE_FIRST_PAINT = ("pydantic", "pydantic_core", "annotated_types", "click", "pygments")
NOT_BEFORE_RUN = (*NOT_BEFORE_FIRST_PAINT, "keyring")

FIRST_PAINT_PROBE = """
import asyncio, json, sys
import counter.cli
URL = "http://127.0.0.1:9"
counter.cli.build_parser().parse_args(["--url", URL])
# What counter.cli._workbench builds before the App runs.
from counter.core.config import load_config
from counter.app import make_app
from client.api import CentralClient
from counter.core.credentials import TokenStore
config = load_config(overrides={"central_url": URL})
client = CentralClient(URL)
app = make_app(client=client, config=config, token_store=TokenStore())
before_run = sorted(sys.modules)

async def first_paint():
    from screens.login import LoginScreen
    async with app.run_test(size=(80, 24)) as pilot:
        while not (isinstance(app.screen, LoginScreen) and app.screen.is_mounted):
            await pilot.pause()
        await pilot.pause()
        painted = sorted(sys.modules)
    await client.aclose()
    return painted

painted = asyncio.run(first_paint())
print(json.dumps({"before_run": before_run, "painted": painted}))
"""


def test_no_pydantic_click_or_keyring_before_the_first_paint(tmp_path: Path) -> None:
    """Run-time, in a fresh process: the CLI's imports and the App up to the login screen's
    first paint (no central answers; the keyring is not reached before the App runs)."""
    env = {
        "COUNTER_CONFIG": str(tmp_path / "absent.toml"),
        "XDG_CONFIG_HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    loaded = probe(FIRST_PAINT_PROBE, env)
    assert "counter.app" in loaded["before_run"] and "screens.login" in loaded["painted"]

    def heavy(names: list[str], tops: tuple[str, ...]) -> list[str]:
        return sorted({name.split(".")[0] for name in names if name.split(".")[0] in tops})

    assert heavy(loaded["before_run"], NOT_BEFORE_RUN) == []
    assert heavy(loaded["painted"], NOT_BEFORE_FIRST_PAINT) == []


# The start's token check (who, the hall, the queues) sends its requests before the wire
# models are imported, so pydantic loads while the central works (in the keyring thread at
# start), not on the event loop ahead of the requests. A closed port: each call is tried and
# fails as unreachable without ever naming its model.
TOKEN_CHECK_PROBE = """
import asyncio, json, sys
from client.api import CentralClient
from client.errors import Unreachable

async def check():
    client = CentralClient("http://127.0.0.1:9")
    client.token = "cached"
    failed = []
    for call in (client.me, client.hall, client.queues):
        try:
            await call()
        except Unreachable:
            failed.append(call.__name__)
    await client.aclose()
    return failed

failed = asyncio.run(check())
print(json.dumps({"failed": failed, "pydantic": "pydantic" in sys.modules}))
"""


def test_the_token_check_asks_before_loading_the_wire_models(tmp_path: Path) -> None:
    answer = probe(TOKEN_CHECK_PROBE)
    assert answer == {"failed": ["me", "hall", "queues"], "pydantic": False}


# The kept counter (counter.kept_counter) paints the clerk's screen, its queue figures in,
# before pydantic or httpx is imported: the start reads the kept answers (and the central's,
# after) through client.wire_view, the wire models load once the screen is up, and httpx with
# the token check's first request, after the paint. The central here never answers (a closed
# port): what is painted is the kept counter alone.
KEPT_PAINT_PROBE = """
import asyncio, json, sys
from datetime import datetime, timedelta, timezone
URL = "http://127.0.0.1:9"
from counter.core import hall_cache
from counter.core.credentials import CachedToken, TokenStore
now = datetime.now(timezone.utc)
window = {"no": 5, "name": "Window 5", "general": True, "queues": [{"prefix": "A", "priority": 1}],
          "status": "idle", "staff_no": "1005", "staff_name": "Clerk", "pause_reason": None,
          "pause_note": None, "current_ticket": None, "served_today": 0, "held": []}
hall_cache.save(URL, "1005", {
    "me": {"staff_no": "1005", "name": "Clerk", "role": "clerk", "department": None,
           "usual_window": 5},
    "hall": {"code": "h", "name": "Hall", "departments": [], "windows": [window],
             "queues": [{"prefix": "A", "name": "General", "department": None, "daily_cap": 9}]},
    "window": window,
    "queues": {"as_of": now.isoformat(), "queues": [{"prefix": "A", "name": "General",
               "waiting": 3, "longest_wait_s": 120, "issued_today": 3, "served_today": 0}]},
}, now)
store = TokenStore(use_keyring=False)
store.save(URL, CachedToken("1005", "kept", now + timedelta(hours=1)))
from counter.core.config import load_config
from counter.app import make_app
from client.api import CentralClient
config = load_config(overrides={"central_url": URL})
client = CentralClient(URL)
app = make_app(client=client, config=config, token_store=store)

# The moment the token check starts (its first request loads httpx): the kept counter must be
# on the screen by then, and neither pydantic nor httpx loaded.
seen = {}
check = app.verify_token

def verify_token(token):
    from screens.widgets.queue_panel import QueuePanel
    panels = app.screen.query(QueuePanel)
    if "modules" not in seen:
        seen["painted"] = bool(panels) and "updating" in str(panels.first().border_title)
        seen["modules"] = sorted(name for name, module in sys.modules.items() if module)
    return check(token)

app.verify_token = verify_token

async def kept_paint():
    async with app.run_test(size=(80, 24)) as pilot:
        while "modules" not in seen:
            await pilot.pause(0.01)
        kept = app.session.cached_at is not None and seen["painted"]
    await client.aclose()
    return seen["modules"], kept

modules, kept = asyncio.run(kept_paint())
print(json.dumps({"modules": modules, "kept": kept}))
"""


def test_the_kept_counter_paints_before_pydantic_loads(tmp_path: Path) -> None:
    env = {
        "COUNTER_CONFIG": str(tmp_path / "absent.toml"),
        "COUNTER_CACHE_DIR": str(tmp_path / "cache"),
    }
    answer = probe(KEPT_PAINT_PROBE, env)
    assert answer["kept"] is True and "screens.counter" in answer["modules"]
    loaded = {name.split(".")[0] for name in answer["modules"]}
    off_the_path = {"pydantic", "pydantic_core", "annotated_types", "click", "httpx", "httpcore"}
    assert sorted(loaded & off_the_path) == []


# `counter --url …` parses without building the subcommands, whose modules (the display, the
# kiosk printer, the reports, the classroom) a clerk's start never needs.
PARSE_PROBE = """
import json, sys
import counter.cli
URL = "http://127.0.0.1:9"
args = counter.cli.parse_args(["--url", URL, "--lang", "en", "--as", "1005"])
assert (args.url, args.lang, args.as_staff, args.command) == (URL, "en", "1005", None)
full = counter.cli.parse_args(["--url", URL]), sorted(sys.modules)
demo = counter.cli.parse_args(["demo", "--seed", "3"])
assert (demo.command, demo.seed) == ("demo", 3)
print(json.dumps(full[1]))
"""


def test_the_clerks_start_parses_without_the_subcommands() -> None:
    loaded = set(probe(PARSE_PROBE))
    subcommands = {"counter.display_cli", "counter.kiosk_print", "counter.report_cli"}
    assert sorted(loaded & (subcommands | {"counter.demo"})) == []
