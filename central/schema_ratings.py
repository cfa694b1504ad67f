"""The ratings tables (好差评), on the shared `metadata` of central.schema_types.

One row per served ticket at most: UNIQUE(ticket_id) is what makes 一次一评 hold under
concurrent posts, whatever the number of server processes. The clerk, window and department
are copied from the ticket when the rating arrives, so a later change of windows does not
move old ratings. The 差评 review columns are empty for other ratings.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from central.schema_types import BigId, UTCDateTime, metadata

# Partial indexes' conditions, written out: a query uses such an index only when its WHERE
# holds the same terms (SQLite compares them as written, with no bound parameters).
REVIEWED = "review_state IS NOT NULL"
BAD = "level <= 2 AND is_default = false"

ratings = Table(
    "ratings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("ticket_id", BigInteger, ForeignKey("tickets.id"), nullable=False, unique=True),
    Column("ticket_number", String(16), nullable=False),
    Column("case_no", String(40), nullable=True),
    Column("service_day", Date, nullable=False),
    Column("finished_at", UTCDateTime(), nullable=False),
    Column("staff_no", String(32), nullable=True),
    Column("window_no", Integer, nullable=True),
    Column("department_code", String(32), nullable=True),
    Column("level", Integer, nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("channel", String(20), nullable=False),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("rated_at", UTCDateTime(), nullable=False),
    Column("rated_by", String(32), nullable=True),  # the pad's account; None for a default
    # --- the 差评 loop (level 1–2 from a citizen) ---
    Column("review_state", String(20), nullable=True),
    Column("explanation", Text, nullable=True),
    Column("explained_at", UTCDateTime(), nullable=True),
    Column("explained_by", String(32), nullable=True),
    Column("verdict", String(20), nullable=True),
    Column("verify_note", Text, nullable=True),
    Column("verified_at", UTCDateTime(), nullable=True),
    Column("verified_by", String(32), nullable=True),
    Column("rectify_days", Integer, nullable=True),
    Column("rectify_due", Date, nullable=True),
    Column("rectification", Text, nullable=True),
    Column("rectified_at", UTCDateTime(), nullable=True),
    Column("rectified_by", String(32), nullable=True),
    CheckConstraint("level BETWEEN 1 AND 5", name="ck_ratings_level"),
    Index("ix_ratings_staff_day", "staff_no", "service_day"),
    # The 差评 under review only (migration 0012): the NULLs of every other rating (99 % of a
    # year's) made SQLite judge one review state to match ~390,000 rows.
    Index(
        "ix_ratings_reviewed",
        "review_state",
        sqlite_where=text(REVIEWED),
        postgresql_where=text(REVIEWED),
    ),
    # The lists, newest first: the hall's and one clerk's (migration 0010), a range of days
    # (its page's ids read from this index alone, 0012), the citizens' 差评 (0012).
    Index("ix_ratings_rated", "rated_at", "id"),
    Index("ix_ratings_staff_rated", "staff_no", "rated_at"),
    Index("ix_ratings_day_rated", "service_day", "rated_at", "id"),
    Index("ix_ratings_bad", "rated_at", sqlite_where=text(BAD), postgresql_where=text(BAD)),
)

# How far the default-rating sweep has gone: every service finished at or before `swept_until`
# has a rating (a citizen's or the default). One row (id 1).
rating_sweep = Table(
    "rating_sweep",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("swept_until", UTCDateTime(), nullable=False),
)
