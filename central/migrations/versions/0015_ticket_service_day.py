"""tickets by service day: the reports read a day's tickets (today, and any day not rolled up
yet) by this range; PostgreSQL has no skip scan over the daily-number key (queue first), so
without it a day's report read every ticket of the year

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 18:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index("ix_tickets_service_day", ["service_day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_service_day")
