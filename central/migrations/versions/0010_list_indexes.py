"""indexes for a year of lists: ratings newest first (the hall's and a clerk's), idempotency
records by age (pruning), done tickets by finish time (the default-rating sweep)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_DONE = "status = 'done'"


def upgrade() -> None:
    # The sweep reads the oldest unrated done tickets; without this SQLite reads them through
    # the status index and sorts every done ticket (half a second a batch at a month's data).
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tickets_done_finished",
            ["finished_at", "id"],
            unique=False,
            sqlite_where=sa.text(_DONE),
            postgresql_where=sa.text(_DONE),
        )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index("ix_ratings_rated", ["rated_at", "id"], unique=False)
        batch_op.create_index("ix_ratings_staff_rated", ["staff_no", "rated_at"], unique=False)
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index("ix_idempotency_keys_created", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_idempotency_keys_created")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_staff_rated")
        batch_op.drop_index("ix_ratings_rated")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_done_finished")
