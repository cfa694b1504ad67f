"""Real `counter serve` processes for tests and bench scripts (this checkout's code)."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port(low: int = 18300, high: int = 18399) -> int:
    """A free port in [low, high] (the range this project's helpers may use);
    COUNTER_PORTS=LOW-HIGH moves the range (parallel runs on one shared box)."""
    if os.environ.get("COUNTER_PORTS"):
        low_s, _, high_s = os.environ["COUNTER_PORTS"].partition("-")
        first, high = int(low_s), int(high_s)
        low = low if first <= low <= high else first  # free_port(port + 1) stays in the range
    ports = list(range(low, high + 1))
    random.shuffle(ports)  # parallel runs rarely reach for the same one
    for port in ports:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


def start_serve(
    port: int, *args: str, env: dict[str, str] | None = None, wait_s: float = 300
) -> subprocess.Popen[bytes]:
    """`python -m counter serve --port PORT ARGS…` from this checkout, once it answers."""
    argv = [sys.executable, "-m", "counter", "serve", "--host", "127.0.0.1", "--port", str(port)]
    full_env = {**os.environ, "COUNTER_LOG_LEVEL": "warning", **(env or {})}
    proc = subprocess.Popen(
        [*argv, *args], cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"counter serve exited: {err.strip()[-2000:]}")
    proc.kill()
    raise RuntimeError(f"counter serve did not answer within {wait_s:g} s")


def stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> float:
    """SIGTERM, wait for the exit; the seconds it took (kills it after `timeout`)."""
    if proc.poll() is not None:
        return 0.0
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return time.monotonic() - started
