"""Bring a database to the newest schema with the packaged Alembic history (SQLite, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from central.db import write_tx

SCRIPT_LOCATION = str(Path(__file__).with_name("migrations"))


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", SCRIPT_LOCATION)
    return cfg


def upgrade(engine: Engine) -> None:
    """Run every pending revision in one transaction: an interrupted upgrade leaves nothing."""
    cfg = alembic_config()
    with write_tx(engine) as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
