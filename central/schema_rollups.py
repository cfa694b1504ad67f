"""Daily roll-ups of the rating tallies (日统计), on the shared `metadata` (migration 0006).

One row per hall-local service day (of the ticket), clerk and window: how many services
finished, how the citizens rated them, how many got the default, and where their 差评 stand.
Every change that moves a figure (a finish, a rating, a default, a 核实, a 整改) adds to its row
in the same write transaction (central.rollups), so a tally of a year reads a few thousand
rows instead of every ticket. `central.rollups.rebuild` recounts any range from the raw rows.

An unknown clerk or window is stored as '' / 0 (a key column cannot be NULL).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Table

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
