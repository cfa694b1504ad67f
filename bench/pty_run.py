"""Run a terminal program on a pseudo-terminal and time how long it takes to show a text.

Used by the start-up benchmark: "interactive" is the moment the screen shows its marker text,
seen from outside the process exactly as a terminal would see it.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import termios
import time
from dataclasses import dataclass

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]")


@dataclass
class Run:
    seconds: float
    rss_mb: float
    output: bytes


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS), 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def time_until(
    argv: list[str],
    marker: str,
    *,
    env: dict[str, str] | None = None,
    cols: int = 100,
    rows: int = 30,
    timeout: float = 30.0,
    settle: float = 1.0,
) -> Run:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
    full_env.update(env or {})
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=full_env,
        start_new_session=True,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    wanted = marker.encode()
    elapsed = None
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                seen += chunk
                if wanted in ANSI.sub(b"", seen):
                    elapsed = time.perf_counter() - started
                    break
            if proc.poll() is not None:
                break
        if elapsed is None:
            tail = ANSI.sub(b"", seen)[-400:]
            raise RuntimeError(f"{argv[0]} never showed {marker!r}; last output: {tail!r}")
        # Let the screen settle, then read resident memory at the idle screen.
        end = time.perf_counter() + settle
        while time.perf_counter() < end:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
        memory = rss_mb(proc.pid)
        return Run(elapsed, memory, seen)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        os.close(master)
