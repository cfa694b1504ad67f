"""Alembic environment, run programmatically by central.migrate (no alembic.ini needed).

The caller hands over an open connection in `config.attributes["connection"]`; the command
line (`alembic -x url=… upgrade head` with a script_location) is supported for operators.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from central import schema  # noqa: F401  (every table joins `metadata`)
from central.schema_types import metadata

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,  # SQLite needs batch mode for ALTER TABLE
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database as: alembic -x url=sqlite:///central.db upgrade head")
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
