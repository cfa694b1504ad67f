"""While the central runs, SQLite's WAL is checkpointed by a thread of its own, not inside the
commit of the write that fills the log: the writer's automatic checkpoint is off, the thread's
rounds copy the log back into the database, and SQLite's own checkpoints are back afterwards."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from central import wal_checkpoints
from central.schema import audit
from tests.rollup_hall import Clock, hall_store


def _automatic(store: Any) -> int:
    with store.writer.connect() as conn:
        pages = int(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())
        conn.rollback()
    return pages


def test_the_log_is_checkpointed_by_the_thread_not_by_the_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rounds: list[tuple[int, int, int]] = []
    real = wal_checkpoints.checkpoint

    def recorded(con: sqlite3.Connection) -> tuple[int, int, int]:
        rounds.append(real(con))
        return rounds[-1]

    monkeypatch.setattr(wal_checkpoints, "checkpoint", recorded)
    path = tmp_path / "wal.db"
    with hall_store(path, Clock()) as store:
        assert _automatic(store) == 1000
        with wal_checkpoints.running(store, every_s=0.05):
            assert _automatic(store) == 0
            row = {"at": store.now(), "source": "test", "action": "test.fill",
                   "object_type": "test", "object_id": "1", "before": None}  # fmt: skip
            # Past SQLite's 1,000 pages, where a commit would have checkpointed by itself.
            for _ in range(30):
                with store.write() as conn:
                    conn.execute(insert(audit), [row | {"after": {"pad": "x" * 2000}}] * 100)
            written = len(rounds)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if any(frames and copied == frames for _, frames, copied in rounds[written:]):
                    break
                time.sleep(0.05)
            assert any(frames and copied == frames for _, frames, copied in rounds[written:])
            assert sum(copied for _, _, copied in rounds) > 1000
        assert _automatic(store) == 1000
    with sqlite3.connect(path) as con:  # every write is in the database file
        assert con.execute("SELECT count(*) FROM audit WHERE action = 'test.fill'").fetchone() == (
            3000,
        )
