"""The hall, queue, staff, ticket, audit and case tables (SQLAlchemy Core).

The column types and the shared `metadata` live in central.schema_types; the escalation and
rating tables in their own modules on that metadata, imported here so that `metadata` holds
every table once this module is imported (migrations and `create_all` rely on that).

One database holds one hall. The migration history in central/migrations creates these tables;
a change here needs a new revision there.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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
    text,
)

from central import (  # noqa: F401  (their tables join metadata)
    schema_devices,
    schema_escalations,
    schema_ratings,
    schema_rollups,
    schema_supervision,
)
from central.schema_types import BigId, UTCDateTime, metadata

hall = Table(
    "hall",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("seeded_at", UTCDateTime(), nullable=False),
)

departments = Table(
    "departments",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
)

queues = Table(
    "queues",
    metadata,
    Column("prefix", String(4), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("department_code", String(32), ForeignKey("departments.code"), nullable=True),
    Column("daily_cap", Integer, nullable=False),
    Column("bring", String(200), nullable=True),  # the kiosk slip's what-to-bring line
)

windows = Table(
    "windows",
    metadata,
    Column("no", Integer, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("general", Boolean, nullable=False, default=False),
    Column("department_code", String(32), ForeignKey("departments.code"), nullable=True),
    # Who is signed on (None: signed off) and why the window is paused (None: not paused).
    # calling/serving are not stored: they follow from the window's current ticket.
    Column("staff_no", String(32), ForeignKey("staff.staff_no"), nullable=True, unique=True),
    Column("pause_reason", String(20), nullable=True),
    Column("pause_note", String(200), nullable=True),
    Column("updated_at", UTCDateTime(), nullable=True),
)

window_queues = Table(
    "window_queues",
    metadata,
    Column("window_no", Integer, ForeignKey("windows.no"), primary_key=True),
    Column("queue_prefix", String(4), ForeignKey("queues.prefix"), primary_key=True),
    Column("priority", Integer, nullable=False),
)

staff = Table(
    "staff",
    metadata,
    Column("staff_no", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("role", String(20), nullable=False),  # clerk, supervisor, device, admin
    Column("department_code", String(32), ForeignKey("departments.code"), nullable=True),
    Column("title", String(50), nullable=True),
    Column("device_kind", String(20), nullable=True),  # kiosk, pad, display (role device)
    Column("usual_window", Integer, nullable=True),
    # A rating pad (device_kind pad): the windows whose services it may rate (the hall file's
    # `window` or `windows`); NULL: any window (a hall file that binds none).
    Column("pad_windows", JSON, nullable=True),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
)

sessions = Table(
    "sessions",
    metadata,
    # sha256 of the bearer token: a leaked database does not leak usable tokens.
    Column("token_hash", String(64), primary_key=True),
    Column("staff_no", String(32), ForeignKey("staff.staff_no"), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("staff_no", String(64), nullable=False),  # as typed: unknown numbers count too
    Column("at", UTCDateTime(), nullable=False),
    # Where the attempt came from (the client's address, see central.gate); the limit counts
    # per staff number and source, so one source's guessing never locks out another's login.
    Column("source", String(64), nullable=True),
    Index("ix_login_failures_staff_at", "staff_no", "at"),
    Index("ix_login_failures_staff_source_at", "staff_no", "source", "at"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("number", String(16), nullable=False),
    Column("issued_queue", String(4), ForeignKey("queues.prefix"), nullable=False),
    Column("queue_prefix", String(4), ForeignKey("queues.prefix"), nullable=False),
    Column("service_day", Date, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("appointment_at", UTCDateTime(), nullable=True),
    Column("called_at", UTCDateTime(), nullable=True),
    Column("started_at", UTCDateTime(), nullable=True),
    Column("finished_at", UTCDateTime(), nullable=True),
    Column("window_no", Integer, ForeignKey("windows.no"), nullable=True),
    Column("target_window", Integer, ForeignKey("windows.no"), nullable=True),
    Column("staff_no", String(32), nullable=True),
    Column("recall_count", Integer, nullable=False, default=0),
    Column("transferred_from", String(4), nullable=True),
    UniqueConstraint("issued_queue", "service_day", "seq", name="uq_tickets_daily_number"),
    Index("ix_tickets_status_queue", "status", "queue_prefix"),
    Index("ix_tickets_window_status", "window_no", "status"),
    # A day's tickets for the reports (migration 0015; PostgreSQL has no skip scan).
    Index("ix_tickets_service_day", "service_day"),
    # call-next reads only waiting tickets, tier by tier (call_claim._tiered_candidates_stmt):
    # per target window / queue in arrival order, and the green and appointment tickets.
    Index(
        "ix_tickets_waiting_queue",
        "target_window",
        "queue_prefix",
        "issued_at",
        "id",
        sqlite_where=text("status = 'waiting'"),
        postgresql_where=text("status = 'waiting'"),
    ),
    # The default-rating sweep: the oldest done tickets by finish time (migration 0010).
    Index(
        "ix_tickets_done_finished",
        "finished_at",
        "id",
        sqlite_where=text("status = 'done'"),
        postgresql_where=text("status = 'done'"),
    ),
    # The queue figures every counter answer carries (central.hall.queue_figures): how many
    # wait in a queue and since when, and what each queue and window finished today, each
    # counted over one index range instead of every ticket of the day or of the year.
    Index(
        "ix_tickets_waiting_age",
        "queue_prefix",
        "issued_at",
        sqlite_where=text("status = 'waiting'"),
        postgresql_where=text("status = 'waiting'"),
    ),
    Index(
        "ix_tickets_done_queue",
        "queue_prefix",
        "finished_at",
        "status",  # in the index: the count reads no table row
        sqlite_where=text("status = 'done'"),
        postgresql_where=text("status = 'done'"),
    ),
    Index(
        "ix_tickets_done_window",
        "window_no",
        "finished_at",
        "status",  # in the index: the count reads no table row
        sqlite_where=text("status = 'done'"),
        postgresql_where=text("status = 'done'"),
    ),
    Index(
        "ix_tickets_waiting_kind",
        "kind",
        "appointment_at",
        sqlite_where=text("status = 'waiting'"),
        postgresql_where=text("status = 'waiting'"),
    ),
)

# The last number issued per queue per hall-local day (A001, A002 … reset each day).
ticket_sequences = Table(
    "ticket_sequences",
    metadata,
    Column("queue_prefix", String(4), ForeignKey("queues.prefix"), primary_key=True),
    Column("service_day", Date, primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("type", String(40), nullable=False),
    Column("hall", String(32), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("queue", String(4), nullable=True),
    Column("ticket_id", BigInteger, nullable=True),
    Column("window_no", Integer, nullable=True),
    Column("object_id", String(64), nullable=True),
)

# Append-only (步步留痕): the code has no update or delete path, and triggers refuse both.
audit = Table(
    "audit",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(32), nullable=True),
    Column("role", String(20), nullable=True),
    Column("window_no", Integer, nullable=True),
    Column("source", String(100), nullable=True),
    Column("action", String(40), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", String(64), nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Index("ix_audit_actor", "actor"),
    Index("ix_audit_object", "object_type", "object_id"),
    Index("ix_audit_at", "at"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("actor", String(32), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request", String(64), nullable=False),  # sha256 of method, path and body
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_idempotency_keys_created", "created_at"),  # pruning (migration 0010)
)

# --- the general window (无差别综合受理) ---------------------------------------------------------

# One row per intake at the general window, whatever its outcome (受理 / 容缺受理 / 一次性告知 /
# 不予受理). Item name and department are copied in: the catalog may change after the case.
cases = Table(
    "cases",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("case_no", String(24), nullable=False, unique=True),  # 办件编号, ZC2026111700012
    Column("service_day", Date, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("item_code", String(40), nullable=False),
    Column("item_name", String(200), nullable=False),
    Column("department_name", String(200), nullable=False),
    Column("catalog_version", String(16), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("applicant_kind", String(20), nullable=False),
    # The person's ID number or the enterprise's USCC, normalised (no spaces, upper case):
    # how an applicant who returns after a 一次性告知 is found again.
    Column("applicant_key", String(32), nullable=False),
    Column("applicant", JSON, nullable=False),
    Column("checklist", JSON, nullable=False),
    Column("due_date", Date, nullable=True),
    Column("due_guessed", Boolean, nullable=False, default=False),
    Column("commitment_date", Date, nullable=True),
    Column("delivery", String(20), nullable=False),
    Column("address", String(200), nullable=True),
    Column("refuse_reason", String(500), nullable=True),
    Column("refer_to", String(200), nullable=True),
    Column("staff_no", String(32), nullable=False),
    Column("staff_name", String(100), nullable=False),
    Column("window_no", Integer, nullable=True),
    Column("ticket_id", BigInteger, nullable=True),
    Column("ticket_number", String(16), nullable=True),
    UniqueConstraint("service_day", "seq", name="uq_cases_daily_number"),
    Index("ix_cases_applicant_key", "applicant_key", "created_at"),
    # A report's cases by item and decision, read from this index alone (migration 0013):
    # reading a month's ~52,000 case rows for four columns took a quarter of a month report.
    Index(
        "ix_cases_report",
        "service_day",
        "department_name",
        "item_code",
        "item_name",
        "decision",
    ),
)

# The last case number issued per hall-local day.
case_sequences = Table(
    "case_sequences",
    metadata,
    Column("service_day", Date, primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

# Tallies and the default-rating sweep read done tickets by when they finished.
ix_tickets_finished_at = Index("ix_tickets_finished_at", tickets.c.finished_at)
