"""supervision: hall alerts computed by the central, and the 回访 callback sample

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("episode", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("raised_at", _AT, nullable=False),
        sa.Column("acked_at", _AT, nullable=True),
        sa.Column("acked_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("kind", "subject_id", "episode", name="uq_alerts_episode"),
    )
    op.create_index("ix_alerts_raised_at", "alerts", ["raised_at"], unique=False)
    op.create_table(
        "callbacks",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_number", sa.String(length=16), nullable=False),
        sa.Column("case_no", sa.String(length=24), nullable=True),
        sa.Column("staff_no", sa.String(length=32), nullable=True),
        sa.Column("window_no", sa.Integer(), nullable=True),
        sa.Column("applicant_name", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("drawn_at", _AT, nullable=False),
        sa.Column("reached", sa.Boolean(), nullable=True),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", _AT, nullable=True),
        sa.Column("recorded_by", sa.String(length=32), nullable=True),
        sa.Column("rectify_due", sa.Date(), nullable=True),
        sa.Column("rectification", sa.Text(), nullable=True),
        sa.Column("rectified_at", _AT, nullable=True),
        sa.Column("rectified_by", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callbacks")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_callbacks_ticket_id")),
    )
    op.create_index("ix_callbacks_day", "callbacks", ["service_day"], unique=False)
    op.create_table(
        "window_queue_restores",
        sa.Column("window_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("usual", sa.JSON(), nullable=False),
        sa.Column("until_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("window_no", name=op.f("pk_window_queue_restores")),
    )


def downgrade() -> None:
    op.drop_table("window_queue_restores")
    op.drop_index("ix_callbacks_day", table_name="callbacks")
    op.drop_table("callbacks")
    op.drop_index("ix_alerts_raised_at", table_name="alerts")
    op.drop_table("alerts")
