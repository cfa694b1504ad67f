"""Alembic on both backends: a database at any earlier revision (or empty) upgrades to the
newest, and the result is exactly what central/schema.py declares (autogenerate finds nothing)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, select

from central.db import write_tx
from central.migrate import alembic_config, upgrade
from central.schema import hall, metadata

NOW = datetime(2026, 11, 17, 1, 30, tzinfo=timezone.utc)
REVISIONS = [
    r.revision
    for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]


@pytest.fixture
def empty_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Engine:
    if backend == "sqlite":
        return create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    cluster = request.getfixturevalue("pg_cluster")
    from tests.pg_cluster import MISSING
    from tests.system_parts import require

    require("PostgreSQL", cluster is not None, MISSING)
    name = cluster.new_database(migrated=False)
    request.addfinalizer(lambda: cluster.drop_database(name))
    return create_engine(cluster.url(name))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
@pytest.mark.parametrize("start", [None, *REVISIONS[:-1]], ids=lambda r: f"from-{r or 'empty'}")
def test_upgrade_reaches_exactly_the_schema(empty_db: Engine, start: str | None) -> None:
    cfg = alembic_config()
    if start is not None:
        with write_tx(empty_db) as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, start)
            conn.execute(hall.insert().values(code="h1", name="Hall one", seeded_at=NOW))
    upgrade(empty_db)
    with empty_db.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert conn.execute(select(hall.c.code)).scalars().all() == (["h1"] if start else [])
    upgrade(empty_db)  # again: nothing to do
    empty_db.dispose()
