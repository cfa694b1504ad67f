"""indexes for the queue and window figures every counter answer carries: waiting per queue
by arrival (partial), finished per queue and per window by finish time (partial; with
the status, so a count reads no table row)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As central.schema writes them (a query matches a partial index's terms as written).
_WAITING = "status = 'waiting'"
_DONE = "status = 'done'"
_INDEXES = (
    ("ix_tickets_waiting_age", ["queue_prefix", "issued_at"], _WAITING),
    ("ix_tickets_done_queue", ["queue_prefix", "finished_at", "status"], _DONE),
    ("ix_tickets_done_window", ["window_no", "finished_at", "status"], _DONE),
)


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, columns, where in _INDEXES:
            batch_op.create_index(
                name,
                columns,
                unique=False,
                sqlite_where=sa.text(where),
                postgresql_where=sa.text(where),
            )


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        for name, _columns, _where in reversed(_INDEXES):
            batch_op.drop_index(name)
