"""The 办不成事 escalation ledger's tables, on the shared `metadata` (migration 0003).

Append-only, like the audit trail: `escalations` holds what was registered and never changes;
each step (assign, progress, resolve …) appends a row to `escalation_steps` carrying the whole
state after that step, so the newest step of an escalation is its current state and the rows
before it are its timeline. Database triggers refuse UPDATE and DELETE on both.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from central.schema_types import BigId, UTCDateTime, metadata

escalations = Table(
    "escalations",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("no", String(24), nullable=False, unique=True),  # BBC-20261121-0007
    Column("service_day", Date, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("staff_no", String(32), nullable=False),
    Column("staff_name", String(100), nullable=False),
    Column("window_no", Integer, nullable=True),
    Column("channel", String(20), nullable=False),
    Column("reporter_kind", String(20), nullable=False),
    Column("reporter_name", String(128), nullable=False),
    Column("reporter_phone", String(32), nullable=False),
    Column("reporter_contact", String(64), nullable=False),
    Column("description", Text, nullable=False),
    Column("ticket_id", BigInteger, nullable=True),
    Column("ticket_number", String(16), nullable=True),
    Column("case_no", String(40), nullable=True),
    Column("item_code", String(40), nullable=True),
    Column("item_name", String(200), nullable=True),
    UniqueConstraint("service_day", "seq", name="uq_escalations_daily_number"),
    Index("ix_escalations_staff", "staff_no", "registered_at"),
)

escalation_steps = Table(
    "escalation_steps",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("escalation_id", BigInteger, ForeignKey("escalations.id"), nullable=False),
    Column("seq", Integer, nullable=False),  # 1 = registration
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(32), nullable=False),
    Column("actor_name", String(100), nullable=False),
    Column("action", String(20), nullable=False),
    Column("note", Text, nullable=False),
    # The whole state after this step.
    Column("status", String(20), nullable=False),
    Column("category", String(20), nullable=False),
    Column("due_date", Date, nullable=False),
    Column("due_guessed", Boolean, nullable=False),
    Column("department_code", String(32), nullable=True),
    Column("department_name", String(200), nullable=True),
    Column("handler", String(64), nullable=True),
    Column("handler_phone", String(32), nullable=True),
    Column("result", Text, nullable=True),
    Column("satisfaction", String(20), nullable=True),
    Column("callback_note", Text, nullable=True),
    Column("scope_reason", String(20), nullable=True),
    Column("scope_explanation", Text, nullable=True),
    Column("scope_channel", String(200), nullable=True),
    # Two steps racing on one escalation: the second insert fails instead of forking history.
    UniqueConstraint("escalation_id", "seq", name="uq_escalation_steps_order"),
    Index("ix_escalation_steps_status", "status", "due_date"),
)

# The last ledger number issued per hall-local day.
escalation_sequences = Table(
    "escalation_sequences",
    metadata,
    Column("service_day", Date, primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

# Deadline alerts already sent (escalation.changed when one becomes due soon or overdue):
# each (escalation, kind, due date) once, whichever server process or request notices first.
escalation_alerts = Table(
    "escalation_alerts",
    metadata,
    Column("escalation_id", BigInteger, ForeignKey("escalations.id"), primary_key=True),
    Column("kind", String(20), primary_key=True),  # due_soon, overdue
    Column("due_date", Date, primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
)
