"""回访: a dissatisfied callback goes through the 差评 loop (review columns); where a callback's
number came from

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 12:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_source", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("review_state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("verdict", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("verify_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("verified_by", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("rectify_days", sa.Integer(), nullable=True))
        batch_op.create_index("ix_callbacks_review_state", ["review_state"], unique=False)
    # Rectifications opened before this migration were opened straight away: upheld.
    op.execute(
        "UPDATE callbacks SET review_state = CASE WHEN rectified_at IS NULL THEN 'upheld' "
        "ELSE 'rectified' END, verdict = 'upheld' WHERE rectify_due IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("callbacks", schema=None) as batch_op:
        batch_op.drop_index("ix_callbacks_review_state")
        for name in ("rectify_days", "verified_by", "verified_at", "verify_note", "verdict",
                     "review_state", "phone_source"):  # fmt: skip
            batch_op.drop_column(name)
