"""general window intake: cases and their daily number sequence

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("case_no", sa.String(length=24), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        sa.Column("department_name", sa.String(length=200), nullable=False),
        sa.Column("catalog_version", sa.String(length=16), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applicant_kind", sa.String(length=20), nullable=False),
        sa.Column("applicant_key", sa.String(length=32), nullable=False),
        sa.Column("applicant", sa.JSON(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_guessed", sa.Boolean(), nullable=False),
        sa.Column("commitment_date", sa.Date(), nullable=True),
        sa.Column("delivery", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("refuse_reason", sa.String(length=500), nullable=True),
        sa.Column("refer_to", sa.String(length=200), nullable=True),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("staff_name", sa.String(length=100), nullable=False),
        sa.Column("window_no", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.BigInteger(), nullable=True),
        sa.Column("ticket_number", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("case_no", name=op.f("uq_cases_case_no")),
        sa.UniqueConstraint("service_day", "seq", name="uq_cases_daily_number"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_applicant_key", ["applicant_key", "created_at"], unique=False
        )
    op.create_table(
        "case_sequences",
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service_day", name=op.f("pk_case_sequences")),
    )


def downgrade() -> None:
    op.drop_table("case_sequences")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_applicant_key")
    op.drop_table("cases")
