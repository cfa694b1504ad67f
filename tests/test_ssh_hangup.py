"""A dropped SSH session: the supervisor's console loses its terminal (the pty's other end
closes, the kernel hangs the session up). The app must end by itself, promptly, and leave nothing
behind: no process still running on a dead terminal, no demo hall left in the temp folder."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]")
ROOT = Path(__file__).resolve().parent.parent


def _read_until(master: int, marker: bytes, proc: subprocess.Popen[bytes], timeout: float) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
            if marker in ANSI.sub(b"", seen):
                return seen
    raise AssertionError(f"never showed {marker!r}: {ANSI.sub(b'', seen)[-300:]!r}")


def _own_terminal() -> None:
    """In the child, as sshd does: a session of its own with the pty as controlling terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def test_a_dropped_ssh_session_ends_the_console_cleanly(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "counter", "demo", "--as", "supervisor", "--lang", "en"],
        cwd=ROOT,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        preexec_fn=_own_terminal,
        close_fds=True,
    )
    os.close(slave)
    try:
        _read_until(master, b"Hall board", proc, timeout=90)
        assert any(temp.iterdir()), "the demo keeps its hall in the temp folder while it runs"
        os.close(master)  # sshd's end of the terminal goes away: SIGHUP to the session
        master = -1
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            raise AssertionError("the console kept running on a dead terminal") from None
        assert not list(temp.iterdir()), "the demo hall was left behind"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: its pid is the group's
            proc.wait()
        if master >= 0:
            os.close(master)
