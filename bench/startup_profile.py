"""Where the start-up time goes: `counter --url` under cProfile, to the complete counter screen.

Same set-up as bench/startup.py (its bench_central: a real central, token cached in a file
keyring found by keyring's own backend detection, and a warm-up start that keeps the clerk's
counter; `--cold` forgets it); the terminal runs inside a profiler that writes its stats
when this script sees the queue figures on the screen and sends SIGUSR1.

    .venv/bin/python bench/startup_profile.py [--out /tmp/startup.prof] [--top 40]
"""

from __future__ import annotations

import argparse
import pstats
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from pty_run import PtyProgram  # noqa: E402
from startup import (  # noqa: E402
    BARE_MARKER,
    COMPLETE_MARKER,
    LIVE_MARKER,
    bench_central,
    byte_compile,
    forget_kept_counter,
    warm_up,
)

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
    parser.add_argument("--cold", action="store_true", help="no kept counter (see startup.py)")
    parser.add_argument(
        "--live", action="store_true", help=f"profile to {LIVE_MARKER!r}, not to the figures"
    )
    args = parser.parse_args()
    byte_compile()
    counter = str(Path(sys.executable).with_name("counter"))
    with bench_central() as (work, url, env):
        warm_up(counter, url, env)
        if args.cold:
            forget_kept_counter(work)
        argv = [sys.executable, "-c", WRAPPER, str(args.out), "--url", url]
        marker = LIVE_MARKER if args.live else COMPLETE_MARKER
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
    time.sleep(0.1)
    print(f"{marker!r} on the screen under the profiler: {seconds * 1000:.0f} ms")
    stats = pstats.Stats(str(args.out))
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
