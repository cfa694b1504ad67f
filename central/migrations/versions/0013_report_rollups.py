"""the reports' daily roll-ups (report_daily, report_days, report_rollup_state): filled by the
server's periodic job, day by day (central.report_rollups.catch_up), not here — a year of
tickets is counted in short steps while the hall works; the reports' cases by item and
decision from an index alone (ix_cases_report)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("no_show", sa.Integer(), nullable=False),
        sa.Column("wait_n", sa.Integer(), nullable=False),
        sa.Column("wait_us", sa.BigInteger(), nullable=False),
        sa.Column("waits", sa.LargeBinary(), nullable=False),
        sa.Column("handle_n", sa.Integer(), nullable=False),
        sa.Column("handle_us", sa.BigInteger(), nullable=False),
        sa.Column("handles", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "key", name=op.f("pk_report_daily")),
    )
    op.create_table(
        "report_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_report_days")),
    )
    op.create_table(
        "report_rollup_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("audit_seen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_rollup_state")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cases_report",
            ["service_day", "department_name", "item_code", "item_name", "decision"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_report")
    op.drop_table("report_rollup_state")
    op.drop_table("report_days")
    op.drop_table("report_daily")
