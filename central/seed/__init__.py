"""Packaged seed data: the demo hall (seed/demo/hall.toml) and, beside it, the item catalog.

The hall loader is central.hall_seed; demo_accounts is re-exported here for the demo boot.
"""

from __future__ import annotations

from central.hall_seed import demo_accounts

__all__ = ["demo_accounts"]
