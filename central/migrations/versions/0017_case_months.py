"""the reports' cases per calendar month and service item (case_monthly): always the sum of
the month's case_daily rows, kept by the periodic job in the same write; filled here once from
the days already rolled up

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DECISIONS = ("accept", "tolerate", "notice", "refuse")
_ITEM = ("department_name", "item_code", "item_name")


def upgrade() -> None:
    case_monthly = op.create_table(
        "case_monthly",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("department_name", sa.String(length=200), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("item_name", sa.String(length=200), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _DECISIONS),
        sa.PrimaryKeyConstraint("month", *_ITEM, name=op.f("pk_case_monthly")),
    )
    assert case_monthly is not None
    # Written here rather than through the product's code, so the migration stays what it is.
    daily = sa.table("case_daily", sa.column("day", sa.Date()),
                     *(sa.column(name) for name in (*_ITEM, *_DECISIONS)))  # fmt: skip
    conn = op.get_bind()
    days = conn.execute(sa.select(daily.c.day).distinct()).scalars()
    months = sorted({(d if isinstance(d, date) else date.fromisoformat(d)).replace(day=1)
                     for d in days})  # fmt: skip
    for month in months:
        end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        summed = (
            sa.select(sa.literal(month, sa.Date()), *(daily.c[name] for name in _ITEM),
                      *(sa.func.sum(daily.c[name]) for name in _DECISIONS))
            .where(daily.c.day >= month, daily.c.day < end)
            .group_by(*(daily.c[name] for name in _ITEM))
        )  # fmt: skip
        conn.execute(case_monthly.insert().from_select(["month", *_ITEM, *_DECISIONS], summed))


def downgrade() -> None:
    op.drop_table("case_monthly")
