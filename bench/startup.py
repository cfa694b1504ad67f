"""Start-up to an interactive counter screen, beside a bare Textual app, in the same run.

Starts a real central (`counter serve`, uvicorn on 127.0.0.1), signs clerk 1001 on at
window 1 and caches the token (a file keyring stands in for the OS keyring), then times, on
a pseudo-terminal, how long each program takes to paint its first useful screen:

- bare:    a Textual app with Header + DataTable + Footer (bench/bare_app.py)
- counter: `counter --url URL` with the token cached → the counter screen of window 1

and reads the resident memory of each once its screen is up.

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from callnext import free_port, start_central  # noqa: E402
from pty_run import time_until  # noqa: E402

from client.api import CentralClient  # noqa: E402

COUNTER_MARKER = "Served today"
BARE_MARKER = "BAREREADY"


async def sign_on_and_cache(url: str, env: dict[str, str]) -> None:
    """Log clerk 1001 in, sign on at window 1, and cache the token where the terminal looks."""
    os.environ.update(env)
    from counter.core.credentials import CachedToken, TokenStore

    client = CentralClient(url)
    answer = await client.login("1001", "counter")
    await client.sign_on(1)
    await client.aclose()
    store = TokenStore()
    assert not store.in_memory, "the bench keyring did not load"
    store.save(url, CachedToken(answer.staff.staff_no, answer.token, answer.expires_at))


def bench_env(work: Path, url: str) -> dict[str, str]:
    """Config (window 1, English) and a file keyring the terminal finds the token in."""
    (work / "config.toml").write_text(
        f'[central]\nurl = "{url}"\n\n[counter]\nwindow = 1\n\n[ui]\nlang = "en"\n',
        encoding="utf-8",
    )
    return {
        "COUNTER_CONFIG": str(work / "config.toml"),
        "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
        "BENCH_KEYRING_FILE": str(work / "keyring.json"),
        "PYTHONPATH": str(HERE),
        "LANG": "en_US.UTF-8",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="start-up benchmark")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    counter = str(Path(python).with_name("counter"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = bench_env(work, url)
        central = start_central(work, Path("demo"), port)
        try:
            asyncio.run(sign_on_and_cache(url, env))
            bare_s: list[float] = []
            counter_s: list[float] = []
            bare_mb: list[float] = []
            counter_mb: list[float] = []
            for _ in range(args.runs):
                bare = time_until([python, str(HERE / "bare_app.py")], BARE_MARKER, env=env)
                bare_s.append(bare.seconds)
                bare_mb.append(bare.rss_mb)
                run = time_until([counter, "--url", url], COUNTER_MARKER, env=env)
                counter_s.append(run.seconds)
                counter_mb.append(run.rss_mb)
        finally:
            central.terminate()
            central.wait(10)
    b, c = statistics.median(bare_s), statistics.median(counter_s)
    print(f"runs: {args.runs} each, alternating; medians")
    bare_rss, counter_rss = statistics.median(bare_mb), statistics.median(counter_mb)
    print(f"bare Textual (Header+DataTable+Footer): {b * 1000:.0f} ms, {bare_rss:.0f} MB RSS")
    print(f"counter --url (cached token → counter): {c * 1000:.0f} ms, {counter_rss:.0f} MB RSS")
    print(f"ratio counter / bare: {c / b:.2f} (budget ≤ 1.5); counter RSS budget ≤ 80 MB")


if __name__ == "__main__":
    main()
