"""Start-up to the counter screen, beside a bare Textual app, in the same run.

Starts a real central (`counter serve`, uvicorn on 127.0.0.1), signs clerk 1001 on at
window 1 and caches the token, then times, on a pseudo-terminal:

- bare:    a Textual app with Header + DataTable + Footer (bench/bare_app.py), to its table
- counter: `counter --url URL` with the token cached, to the first paint of the counter screen
           of window 1 (its panels drawn), to the complete screen (the queue figures shown),
           and to the live screen (the central's answer in, the event stream open: "● live")

A warm-up start (not timed) leaves the clerk's counter in the terminal's cache, as any day's
work does: the timed starts paint it at once, marked as not current, while the token check
and the first fetch run (counter.kept_counter). `--cold` forgets it before each start: the
complete screen then waits for the central's answer.

and reads the resident memory of each once its screen is complete.

The checkout's packages are byte-compiled first, as installing the terminal does: without
that, a box that sets PYTHONDONTWRITEBYTECODE (this one does) compiles some 75 modules from
source on every start, a cost no installed terminal pays.

The token sits in a file keyring (the bench machine has no desktop one) that keyring finds
through its own backend detection, as an installed plugin would be found: a package entry
point on the path, no PYTHON_KEYRING_BACKEND. The terminal remembers the backend that worked
(counter.core.credentials), so later starts load only it; `--detect` forgets it before each
start, so every start pays for the detection (every backend's viability check) as the first
start after an install does.

    .venv/bin/python bench/startup.py [--runs 7] [--detect] [--cold]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from callnext import free_port, start_central  # noqa: E402
from pty_run import PtyProgram, Run, cpu_seconds, rss_mb  # noqa: E402

from client.api import CentralClient  # noqa: E402

# The queue panel's title is drawn with the counter screen; its column heads only with figures.
FIRST_PAINT_MARKER = "My queues"
COMPLETE_MARKER = "Longest"
# The status line once the event stream is open: after the central's answer replaced the kept
# figures.
LIVE_MARKER = "● live"
BARE_MARKER = "BAREREADY"


def keyring_plugin(work: Path) -> Path:
    """A directory holding bench/file_keyring.py as keyring's entry points announce a plugin."""
    plugins = work / "plugins"
    info = plugins / "counter_bench_keyring-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: counter-bench-keyring\nVersion: 0\n"
    )
    (info / "entry_points.txt").write_text("[keyring.backends]\nbench = file_keyring\n")
    return plugins


def time_counter(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, Run]:
    """Seconds to the first paint of the counter screen, CPU seconds to the complete screen,
    seconds to the live screen, and the run to the complete screen."""
    program = PtyProgram(argv, env=env)
    try:
        first = program.wait_for(FIRST_PAINT_MARKER)
        complete = program.wait_for(COMPLETE_MARKER)
        cpu = cpu_seconds(program.proc.pid)
        live = program.wait_for(LIVE_MARKER)
        program.read_for(1.0)
        return first, cpu, live, Run(complete, rss_mb(program.proc.pid), program.output)
    finally:
        program.close()


def time_bare(argv: list[str], env: dict[str, str]) -> tuple[float, Run]:
    """CPU seconds to the bare app's table, and its run (as time_until)."""
    program = PtyProgram(argv, env=env)
    try:
        seconds = program.wait_for(BARE_MARKER)
        cpu = cpu_seconds(program.proc.pid)
        program.read_for(1.0)
        return cpu, Run(seconds, rss_mb(program.proc.pid), program.output)
    finally:
        program.close()


async def sign_on_and_cache(url: str, env: dict[str, str]) -> None:
    """Log clerk 1001 in, sign on at window 1, and cache the token where the terminal looks."""
    os.environ.update(env)
    sys.path[:0] = env["PYTHONPATH"].split(os.pathsep)  # the keyring plugin, as the terminal
    from counter.core.credentials import CachedToken, TokenStore

    client = CentralClient(url)
    answer = await client.login("1001", "counter")
    await client.sign_on(1)
    await client.aclose()
    store = TokenStore()
    assert not store.in_memory, "the bench keyring did not load"
    store.save(url, CachedToken(answer.staff.staff_no, answer.token, answer.expires_at))


def bench_env(work: Path, url: str) -> dict[str, str]:
    """Config (window 1, English) and a keyring plugin the terminal finds the token in."""
    (work / "config.toml").write_text(
        f'[central]\nurl = "{url}"\n\n[counter]\nwindow = 1\n\n[ui]\nlang = "en"\n',
        encoding="utf-8",
    )
    return {
        "COUNTER_CONFIG": str(work / "config.toml"),
        "BENCH_KEYRING_FILE": str(work / "keyring.json"),
        # This checkout first: the installed `counter` script may point at another one.
        "PYTHONPATH": os.pathsep.join([str(HERE.parent), str(HERE), str(keyring_plugin(work))]),
        "XDG_CONFIG_HOME": str(work / "xdg"),  # no keyringrc.cfg choosing for it
        # The terminal remembers the keyring backend that worked here (--detect forgets it).
        "XDG_CACHE_HOME": str(work / "cache"),
        "LANG": "en_US.UTF-8",
    }


def byte_compile() -> None:
    """The checkout's packages as an install leaves them: compiled to bytecode."""
    for package in ("client", "counter", "screens"):
        compileall.compile_dir(HERE.parent / package, quiet=1)


@contextlib.contextmanager
def bench_central() -> Iterator[tuple[Path, str, dict[str, str]]]:
    """A real central (`counter serve`, demo seed) in a temporary folder, clerk 1001 signed
    on at window 1 with the token cached: (the folder, the central's URL, the terminal's
    environment). Shared with bench/startup_profile.py and bench/idle.py."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = bench_env(work, url)
        central = start_central(port, "--db", str(work / "central.db"), "--seed", "demo")
        try:
            asyncio.run(sign_on_and_cache(url, env))
            yield work, url, env
        finally:
            central.terminate()
            central.wait(10)


def warm_up(counter: str, url: str, env: dict[str, str]) -> None:
    """One untimed start: the clerk's counter is kept in the cache, as after a day's work."""
    time_counter([counter, "--url", url], env)


def forget_kept_counter(work: Path) -> None:
    shutil.rmtree(work / "cache" / "counter" / "halls", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="start-up benchmark")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--detect",
        action="store_true",
        help="forget the remembered keyring backend before each start (a first start)",
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="forget the kept counter before each start (complete only with the answer)",
    )
    args = parser.parse_args()
    python = sys.executable
    counter = str(Path(python).with_name("counter"))
    byte_compile()
    with bench_central() as (work, url, env):
        warm_up(counter, url, env)
        bare_s: list[float] = []
        counter_s: list[float] = []
        first_s: list[float] = []
        live_s: list[float] = []
        bare_mb: list[float] = []
        counter_mb: list[float] = []
        bare_cpu: list[float] = []
        counter_cpu: list[float] = []
        for _ in range(args.runs):
            cpu, bare = time_bare([python, str(HERE / "bare_app.py")], env)
            bare_s.append(bare.seconds)
            bare_mb.append(bare.rss_mb)
            bare_cpu.append(cpu)
            if args.detect:
                (work / "cache" / "counter" / "keyring-backend").unlink(missing_ok=True)
            if args.cold:
                forget_kept_counter(work)
            first, cpu, live, run = time_counter([counter, "--url", url], env)
            first_s.append(first)
            counter_cpu.append(cpu)
            live_s.append(live)
            counter_s.append(run.seconds)
            counter_mb.append(run.rss_mb)
    b, c = statistics.median(bare_s), statistics.median(counter_s)
    f, live = statistics.median(first_s), statistics.median(live_s)
    start = "first start (keyring detected)" if args.detect else "keyring backend remembered"
    kept = "no kept counter (--cold)" if args.cold else "the counter kept from the last run"
    print(f"runs: {args.runs} each, alternating; medians; {start}; {kept}")
    bare_rss, counter_rss = statistics.median(bare_mb), statistics.median(counter_mb)
    print(f"bare Textual (Header+DataTable+Footer): {b * 1000:.0f} ms, {bare_rss:.0f} MB RSS")
    print(f"counter --url, first paint of the counter screen: {f * 1000:.0f} ms ({f / b:.2f}×)")
    print(f"counter --url, complete (queue figures): {c * 1000:.0f} ms, {counter_rss:.0f} MB RSS")
    print(f"counter --url, live (answer in, stream open): {live * 1000:.0f} ms ({live / b:.2f}×)")
    print(f"ratio complete / bare: {c / b:.2f} (budget ≤ 1.5); counter RSS budget ≤ 60 MB")
    # CPU used to the same moments: steadier than wall time when other jobs load the box.
    bc, cc = statistics.median(bare_cpu), statistics.median(counter_cpu)
    print(
        f"CPU to the screen: bare {bc * 1000:.0f} ms, counter {cc * 1000:.0f} ms ({cc / bc:.2f}×)"
    )


if __name__ == "__main__":
    main()
