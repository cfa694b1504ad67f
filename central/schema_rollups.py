"""Daily roll-ups of the rating tallies (日统计), on the shared `metadata` (migration 0006).

One row per hall-local service day (of the ticket), clerk and window: how many services
finished, how the citizens rated them, how many got the default, and where their 差评 stand.
Every change that moves a figure (a finish, a rating, a default, a 核实, a 整改) adds to its row
in the same write transaction (central.rollups), so a tally of a year reads a few thousand
rows instead of every ticket. `central.rollups.rebuild` recounts any range from the raw rows.

An unknown clerk or window is stored as '' / 0 (a key column cannot be NULL).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, Index, Integer, LargeBinary, String, Table

from central.schema_types import metadata

COUNTS = (
    "served",
    "defaults",
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "level_5",
    "pending",
    "upheld",
    "rectified",
)

tally_daily = Table(
    "tally_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("staff_no", String(32), primary_key=True),
    Column("window_no", Integer, primary_key=True, autoincrement=False),
    *(Column(name, Integer, nullable=False, default=0) for name in COUNTS),
    Index("ix_tally_daily_staff", "staff_no", "day"),
    Index("ix_tally_daily_window", "window_no", "day"),
)

# --- the reports' ticket figures (migration 0013, central.report_rollups) ---------------------
# One row per closed service day and queue (kind 'queue': issued, served, no-shows, the waits of
# every called ticket, the handling of the served) or clerk (kind 'clerk': served, their waits
# and handling). Times are whole-second histograms (one 64-bit int per second: second·2²⁰ +
# count, the second rounded half up) beside their count and exact microsecond sums: a p90
# taken from them is the p90 of the tickets themselves, the average is exact. A month report
# reads ~30 rows per queue.
report_daily = Table(
    "report_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(8), primary_key=True),
    Column("key", String(32), primary_key=True),
    Column("issued", Integer, nullable=False, default=0),
    Column("served", Integer, nullable=False, default=0),
    Column("no_show", Integer, nullable=False, default=0),
    Column("wait_n", Integer, nullable=False, default=0),
    Column("wait_us", BigInteger, nullable=False, default=0),
    Column("waits", LargeBinary, nullable=False),
    Column("handle_n", Integer, nullable=False, default=0),
    Column("handle_us", BigInteger, nullable=False, default=0),
    Column("handles", LargeBinary, nullable=False),
)

# The days rolled up into report_daily (a day without tickets has a mark and no rows).
report_days = Table(
    "report_days",
    metadata,
    Column("day", Date, primary_key=True),
)

# How far the roll-up job has read the audit trail for changes to tickets of days already
# rolled up (a ticket left serving overnight and finished the next morning): one row (id 1).
report_rollup_state = Table(
    "report_rollup_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("audit_seen", BigInteger, nullable=False),
)

# --- the reports' cases per service item (migration 0016, central.case_rollups) --------------
# One row per closed service day and item (department, code and name as the case stored them)
# with its cases per decision (行政许可法 §32's four outcomes). Kept with report_daily, for the
# days in report_days: a month report sums ~25,000 such rows in the database instead of
# grouping ~60,000 cases.
DECISIONS = ("accept", "tolerate", "notice", "refuse")

case_daily = Table(
    "case_daily",
    metadata,
    Column("day", Date, primary_key=True),
    Column("department_name", String(200), primary_key=True),
    Column("item_code", String(40), primary_key=True),
    Column("item_name", String(200), primary_key=True),
    *(Column(decision, Integer, nullable=False, default=0) for decision in DECISIONS),
)

# The same per calendar month (its first day): always the sum of the month's case_daily rows,
# rewritten from them in the write that changes one (migration 0017). A month report reads its
# ~1,300 items here instead of summing ~25,000 day rows.
case_monthly = Table(
    "case_monthly",
    metadata,
    Column("month", Date, primary_key=True),
    Column("department_name", String(200), primary_key=True),
    Column("item_code", String(40), primary_key=True),
    Column("item_name", String(200), primary_key=True),
    *(Column(decision, Integer, nullable=False, default=0) for decision in DECISIONS),
)
