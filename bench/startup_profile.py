"""Where the start-up time goes: `counter --url` under cProfile, to the complete counter screen.

Same set-up as bench/startup.py (a real central, token cached in a file keyring found by
keyring's own backend detection); the terminal runs inside a profiler that writes its stats
when this script sees the queue figures on the screen and sends SIGUSR1.

    .venv/bin/python bench/startup_profile.py [--out /tmp/startup.prof] [--top 40]
"""

from __future__ import annotations

import argparse
import asyncio
import pstats
import signal
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from callnext import free_port, start_central  # noqa: E402
from pty_run import PtyProgram  # noqa: E402
from startup import BARE_MARKER, COMPLETE_MARKER, bench_env, byte_compile, sign_on_and_cache  # noqa: E402

# Runs the terminal's CLI under cProfile; SIGUSR1 writes the stats and ends the process.
WRAPPER = """
import cProfile, os, signal, sys
profile = cProfile.Profile()
out = sys.argv[1]
def dump(*_):
    profile.disable()
    profile.dump_stats(out)
    os._exit(0)
signal.signal(signal.SIGUSR1, dump)
if sys.argv[2] == "--bare":
    import runpy
    sys.argv = sys.argv[3:]
    profile.enable()
    runpy.run_path(sys.argv[0], run_name="__main__")
else:
    sys.argv = ["counter", *sys.argv[2:]]
    profile.enable()
    from counter.cli import main
    main()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="start-up profile")
    parser.add_argument("--out", type=Path, default=Path("/tmp/startup.prof"))
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--bare", action="store_true", help="profile bench/bare_app.py instead")
    args = parser.parse_args()
    byte_compile()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = bench_env(work, url)
        central = start_central(port, "--db", str(work / "central.db"), "--seed", "demo")
        try:
            asyncio.run(sign_on_and_cache(url, env))
            argv = [sys.executable, "-c", WRAPPER, str(args.out), "--url", url]
            marker = COMPLETE_MARKER
            if args.bare:
                argv = [sys.executable, "-c", WRAPPER, str(args.out), "--bare"]
                argv.append(str(HERE / "bare_app.py"))
                marker = BARE_MARKER
            program = PtyProgram(argv, env=env)
            try:
                seconds = program.wait_for(marker)
                program.proc.send_signal(signal.SIGUSR1)
                program.proc.wait(10)
            finally:
                program.close()
        finally:
            central.terminate()
            central.wait(10)
    time.sleep(0.1)
    print(f"{marker!r} on the screen under the profiler: {seconds * 1000:.0f} ms")
    stats = pstats.Stats(str(args.out))
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
