"""daily tally roll-ups (tally_daily), filled from the raw rows already stored

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COUNTS = (
    "served",
    "defaults",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "level_5",
    "pending",
    "upheld",
    "rectified",
)


def upgrade() -> None:
    op.create_table(
        "tally_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("window_no", sa.Integer(), autoincrement=False, nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.PrimaryKeyConstraint("day", "staff_no", "window_no", name=op.f("pk_tally_daily")),
    )
    with op.batch_alter_table("tally_daily", schema=None) as batch_op:
        batch_op.create_index("ix_tally_daily_staff", ["staff_no", "day"], unique=False)
        batch_op.create_index("ix_tally_daily_window", ["window_no", "day"], unique=False)
    # A hall upgrading with history: count what is already there, once.
    from central.rollups import raw_range, rebuild

    conn = op.get_bind()
    found = raw_range(conn)
    if found is not None:
        rebuild(conn, *found)


def downgrade() -> None:
    with op.batch_alter_table("tally_daily", schema=None) as batch_op:
        batch_op.drop_index("ix_tally_daily_window")
        batch_op.drop_index("ix_tally_daily_staff")
    op.drop_table("tally_daily")
