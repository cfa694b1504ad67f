"""indexes for the rating lists at a year: the review state of 差评 only (partial), the
citizens' 差评 newest first (partial), a range of service days newest first

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As central.schema_ratings writes them (a query matches a partial index's terms as written).
_REVIEWED = "review_state IS NOT NULL"
_BAD = "level <= 2 AND is_default = false"


def upgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_review_state")
        batch_op.create_index(
            "ix_ratings_reviewed",
            ["review_state"],
            unique=False,
            sqlite_where=sa.text(_REVIEWED),
            postgresql_where=sa.text(_REVIEWED),
        )
        batch_op.create_index(
            "ix_ratings_bad",
            ["rated_at"],
            unique=False,
            sqlite_where=sa.text(_BAD),
            postgresql_where=sa.text(_BAD),
        )
        batch_op.create_index(
            "ix_ratings_day_rated", ["service_day", "rated_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_day_rated")
        batch_op.drop_index("ix_ratings_bad")
        batch_op.drop_index("ix_ratings_reviewed")
        batch_op.create_index("ix_ratings_review_state", ["review_state"], unique=False)
