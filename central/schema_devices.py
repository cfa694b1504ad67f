"""The hall devices' table: appointments (预约) that the ticket kiosk checks in.

A booking names a queue and a time slot; the citizen checks in at the kiosk with the booking
code or the phone number once the slot has come, and the kiosk issues an appointment ticket
(its `ticket_id` is kept: one check-in per appointment). The phone number is kept only to find
the appointment at check-in; answers show its last four digits.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table

from central.schema_types import BigId, UTCDateTime, metadata

appointments = Table(
    "appointments",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("queue_prefix", String(4), ForeignKey("queues.prefix"), nullable=False),
    Column("slot_start", UTCDateTime(), nullable=False),
    Column("slot_end", UTCDateTime(), nullable=False),
    Column("phone", String(20), nullable=False),
    Column("name", String(50), nullable=False),
    Column("booked_at", UTCDateTime(), nullable=False),
    Column("booked_by", String(32), nullable=False),
    Column("ticket_id", BigId, ForeignKey("tickets.id"), nullable=True, unique=True),
    Column("checked_in_at", UTCDateTime(), nullable=True),
    Index("ix_appointments_phone_slot", "phone", "slot_start"),
)
