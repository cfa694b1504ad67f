"""hall devices: appointments checked in at the kiosk, and each queue's what-to-bring line

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("queue_prefix", sa.String(length=4), nullable=False),
        sa.Column("slot_start", _AT, nullable=False),
        sa.Column("slot_end", _AT, nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("booked_at", _AT, nullable=False),
        sa.Column("booked_by", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", _ID, nullable=True),
        sa.Column("checked_in_at", _AT, nullable=True),
        sa.ForeignKeyConstraint(
            ["queue_prefix"], ["queues.prefix"], name=op.f("fk_appointments_queue_prefix_queues")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_appointments_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("code", name=op.f("uq_appointments_code")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_appointments_ticket_id")),
    )
    op.create_index("ix_appointments_phone_slot", "appointments", ["phone", "slot_start"])
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bring", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.drop_column("bring")
    op.drop_index("ix_appointments_phone_slot", table_name="appointments")
    op.drop_table("appointments")
