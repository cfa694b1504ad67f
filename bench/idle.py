"""Idle cost of the counter screen: CPU and bytes written to the terminal while nobody types.

Starts a real central (`counter serve`), opens `counter --url` on a pseudo-terminal with a
cached token (straight to the counter screen of window 1, live events connected), lets it
settle, then measures for `--seconds` (default 60): CPU time used by the terminal process and
the bytes it wrote to the terminal. Budgets (DESIGN.md §5): ≤ 1 % of one core, ≤ 2 KB/min.

    .venv/bin/python bench/idle.py [--seconds 60]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from pty_run import PtyProgram, cpu_seconds, rss_mb  # noqa: E402
from startup import LIVE_MARKER, bench_central  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="idle benchmark")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=5.0)
    args = parser.parse_args()
    counter = str(Path(sys.executable).with_name("counter"))
    with bench_central() as (_work, url, env):
        program = PtyProgram([counter, "--url", url], env=env)
        try:
            program.wait_for(LIVE_MARKER)  # the counter screen, its event stream open
            program.read_for(args.settle)  # first refreshes, live stream connected
            cpu_before = cpu_seconds(program.proc.pid)
            written = program.read_for(args.seconds)
            cpu = cpu_seconds(program.proc.pid) - cpu_before
            memory = rss_mb(program.proc.pid)
        finally:
            program.close()
    minutes = args.seconds / 60
    print(f"idle at the counter screen for {args.seconds:.0f} s (live events connected)")
    print(f"CPU: {cpu:.2f} s = {100 * cpu / args.seconds:.2f} % of one core (budget ≤ 1 %)")
    print(f"written to the terminal: {len(written)} bytes = {len(written) / minutes:.0f} B/min")
    print(f"resident memory: {memory:.0f} MB (budget ≤ 80 MB)")


if __name__ == "__main__":
    main()
