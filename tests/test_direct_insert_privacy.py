"""The rows inserted straight through SQLite's driver fail as the engine's own statements do:
an error's text never carries the values (a kept answer holds ID numbers and phones)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from central.app import create_app
from central.idempotency import _KEEP
from central.settings import Settings

SECRET = "110101199003074578"


def test_a_refused_direct_insert_hides_its_values(tmp_path: Path) -> None:
    store = create_app(Settings(db_path=str(tmp_path / "c.db"), kdf_fast=True)).state.store
    row = (
        "1001",
        "k1",
        "r",
        200,
        f'{{"id_no": "{SECRET}"}}',
        datetime(2026, 3, 2, tzinfo=timezone.utc),
    )
    try:
        with store.write() as conn:
            _KEEP.run(conn, [row])
        with pytest.raises(IntegrityError) as refused, store.write() as conn:
            _KEEP.run(conn, [row])  # the same actor and key again: the key's row exists
        assert SECRET not in str(refused.value)
        assert "hidden" in str(refused.value)
    finally:
        store.dispose()
