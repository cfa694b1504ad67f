"""ratings (好差评): one rating per served ticket, the 差评 review loop, the default sweep

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_number", sa.String(length=16), nullable=False),
        sa.Column("case_no", sa.String(length=40), nullable=True),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=True),
        sa.Column("window_no", sa.Integer(), nullable=True),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rated_by", sa.String(length=32), nullable=True),
        sa.Column("review_state", sa.String(length=20), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("explained_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("explained_by", sa.String(length=32), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=True),
        sa.Column("verify_note", sa.Text(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.String(length=32), nullable=True),
        sa.Column("rectify_days", sa.Integer(), nullable=True),
        sa.Column("rectify_due", sa.Date(), nullable=True),
        sa.Column("rectification", sa.Text(), nullable=True),
        sa.Column("rectified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rectified_by", sa.String(length=32), nullable=True),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_ratings_level"),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ratings_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_ratings_ticket_id")),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index("ix_ratings_staff_day", ["staff_no", "service_day"], unique=False)
        batch_op.create_index("ix_ratings_review_state", ["review_state"], unique=False)
    op.create_table(
        "rating_sweep",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("swept_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_sweep")),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_finished_at", ["finished_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_finished_at")
    op.drop_table("rating_sweep")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_review_state")
        batch_op.drop_index("ix_ratings_staff_day")
    op.drop_table("ratings")
