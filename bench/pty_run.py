"""Run a terminal program on a pseudo-terminal, as a terminal would see it.

Used by the benchmarks: "interactive" is the moment the screen shows its marker text; idle
cost is what the program writes to the terminal and the CPU it uses while nobody types.
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
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class PtyProgram:
    """A program on its own pseudo-terminal of `cols` × `rows`."""

    def __init__(
        self, argv: list[str], *, env: dict[str, str] | None = None, cols: int = 100, rows: int = 30
    ) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols)}
        full_env.update({"LINES": str(rows), **(env or {})})
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = b""

    def read_for(self, seconds: float) -> bytes:
        """Everything the program writes in the next `seconds`."""
        got = b""
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if ready:
                try:
                    got += os.read(self.master, 65536)
                except OSError:
                    break
        self.output += got
        return got

    def wait_for(self, marker: str, timeout: float = 30.0) -> float:
        """Seconds from start until the screen shows `marker`."""
        wanted = marker.encode()
        while time.perf_counter() - self.started < timeout:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break
                if wanted in ANSI.sub(b"", self.output):
                    return time.perf_counter() - self.started
            if self.proc.poll() is not None:
                break
        tail = ANSI.sub(b"", self.output)[-400:]
        raise RuntimeError(f"{self.proc.args!r} never showed {marker!r}; last output: {tail!r}")

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)


def time_until(
    argv: list[str], marker: str, *, env: dict[str, str] | None = None, settle: float = 1.0
) -> Run:
    """Time to the marker, then resident memory once the screen has settled."""
    program = PtyProgram(argv, env=env)
    try:
        elapsed = program.wait_for(marker)
        program.read_for(settle)
        return Run(elapsed, rss_mb(program.proc.pid), program.output)
    finally:
        program.close()
