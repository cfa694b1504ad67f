"""The supervisor's tables, on the shared `metadata`: hall alerts and 回访 callbacks.

An alert is computed and stored by the central, so a supervisor who connects later sees it,
several supervisors see the same one, and acknowledging it is audited. UNIQUE(kind, subject,
episode) makes each condition raise once per episode, even with two server processes checking.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from central.schema_types import BigId, UTCDateTime, metadata

alerts = Table(
    "alerts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    # wait_over, paused_long, queue_over, idle_waiting, bad_rating, escalation_due_soon,
    # escalation_overdue
    Column("kind", String(30), nullable=False),
    Column("subject_type", String(20), nullable=False),  # ticket, window, queue, rating, escalation
    Column("subject_id", String(64), nullable=False),
    Column("episode", String(64), nullable=False),  # what makes a repeat a new alert
    Column("params", JSON, nullable=False),  # figures the terminal words the alert with
    Column("service_day", Date, nullable=False),
    Column("raised_at", UTCDateTime(), nullable=False),
    Column("acked_at", UTCDateTime(), nullable=True),
    Column("acked_by", String(32), nullable=True),
    UniqueConstraint("kind", "subject_id", "episode", name="uq_alerts_episode"),
    Index("ix_alerts_raised_at", "raised_at"),
)

# 回访: one row per finished service drawn into a day's callback sample.
callbacks = Table(
    "callbacks",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("service_day", Date, nullable=False),
    Column("ticket_id", BigInteger, nullable=False, unique=True),
    Column("ticket_number", String(16), nullable=False),
    Column("case_no", String(24), nullable=True),
    Column("staff_no", String(32), nullable=True),
    Column("window_no", Integer, nullable=True),
    Column("applicant_name", String(128), nullable=False),
    Column("phone", String(20), nullable=False),
    # Where the number came from: the case taken at the service, an earlier case of the same
    # applicant, or the appointment the citizen booked (migration 0011).
    Column("phone_source", String(20), nullable=True),
    Column("drawn_at", UTCDateTime(), nullable=False),
    Column("reached", Boolean, nullable=True),  # None: not called yet
    Column("satisfied", Boolean, nullable=True),
    Column("note", Text, nullable=False, default=""),
    Column("recorded_at", UTCDateTime(), nullable=True),
    Column("recorded_by", String(32), nullable=True),
    # A dissatisfied callback opens a 差评-like item in the hall's 差评 queue, through the same
    # loop: pending (待核实) → upheld (属实, rectify by a date) → rectified; or unfounded /
    # mistaken, which close it (review columns: migration 0011).
    Column("review_state", String(20), nullable=True),
    Column("verdict", String(20), nullable=True),
    Column("verify_note", Text, nullable=True),
    Column("verified_at", UTCDateTime(), nullable=True),
    Column("verified_by", String(32), nullable=True),
    Column("rectify_days", Integer, nullable=True),
    Column("rectify_due", Date, nullable=True),
    Column("rectification", Text, nullable=True),
    Column("rectified_at", UTCDateTime(), nullable=True),
    Column("rectified_by", String(32), nullable=True),
    Index("ix_callbacks_day", "service_day"),
    Index("ix_callbacks_review_state", "review_state"),
)

# A window's queues changed "for the rest of today": its usual set, put back once the day ends.
window_queue_restores = Table(
    "window_queue_restores",
    metadata,
    Column("window_no", Integer, primary_key=True, autoincrement=False),
    Column("usual", JSON, nullable=False),  # [[prefix, priority], …]
    Column("until_day", Date, nullable=False),
)
