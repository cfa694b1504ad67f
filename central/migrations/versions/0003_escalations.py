"""办不成事 escalations: the ledger, its append-only timeline, daily numbers, deadline alerts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# The registration and every step stay as written (步步留痕): the database refuses changes.
_GUARDED = ("escalations", "escalation_steps")


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("no", sa.String(length=24), nullable=False),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("staff_name", sa.String(length=100), nullable=False),
        sa.Column("window_no", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("reporter_kind", sa.String(length=20), nullable=False),
        sa.Column("reporter_name", sa.String(length=128), nullable=False),
        sa.Column("reporter_phone", sa.String(length=32), nullable=False),
        sa.Column("reporter_contact", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("ticket_id", sa.BigInteger(), nullable=True),
        sa.Column("ticket_number", sa.String(length=16), nullable=True),
        sa.Column("case_no", sa.String(length=40), nullable=True),
        sa.Column("item_code", sa.String(length=40), nullable=True),
        sa.Column("item_name", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("no", name=op.f("uq_escalations_no")),
        sa.UniqueConstraint("service_day", "seq", name="uq_escalations_daily_number"),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index("ix_escalations_staff", ["staff_no", "registered_at"], unique=False)
    op.create_table(
        "escalation_steps",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("escalation_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_guessed", sa.Boolean(), nullable=False),
        sa.Column("department_code", sa.String(length=32), nullable=True),
        sa.Column("department_name", sa.String(length=200), nullable=True),
        sa.Column("handler", sa.String(length=64), nullable=True),
        sa.Column("handler_phone", sa.String(length=32), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("satisfaction", sa.String(length=20), nullable=True),
        sa.Column("callback_note", sa.Text(), nullable=True),
        sa.Column("scope_reason", sa.String(length=20), nullable=True),
        sa.Column("scope_explanation", sa.Text(), nullable=True),
        sa.Column("scope_channel", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_escalation_steps_escalation_id_escalations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_steps")),
        sa.UniqueConstraint("escalation_id", "seq", name="uq_escalation_steps_order"),
    )
    with op.batch_alter_table("escalation_steps", schema=None) as batch_op:
        batch_op.create_index("ix_escalation_steps_status", ["status", "due_date"], unique=False)
    op.create_table(
        "escalation_sequences",
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service_day", name=op.f("pk_escalation_sequences")),
    )
    op.create_table(
        "escalation_alerts",
        sa.Column("escalation_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_escalation_alerts_escalation_id_escalations"),
        ),
        sa.PrimaryKeyConstraint(
            "escalation_id", "kind", "due_date", name=op.f("pk_escalation_alerts")
        ),
    )
    _append_only()


def downgrade() -> None:
    _drop_guards()
    op.drop_table("escalation_alerts")
    op.drop_table("escalation_sequences")
    with op.batch_alter_table("escalation_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_escalation_steps_status")
    op.drop_table("escalation_steps")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index("ix_escalations_staff")
    op.drop_table("escalations")


def _append_only() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for table in _GUARDED:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'the {table} are append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION escalations_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the escalation ledger is append-only'; END $$"
        )
        for table in _GUARDED:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION escalations_append_only()"
            )


def _drop_guards() -> None:
    dialect = op.get_context().dialect.name
    for table in _GUARDED:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS escalations_append_only()")
