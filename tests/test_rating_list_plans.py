"""The rating lists read through the indexes made for them (migration 0012), whatever the
planner's statistics: the citizens' 差评 through the partial ix_ratings_bad, a range of days
through ix_ratings_day_rated (the page's ids from the index alone), the 差评 queue's states
through the partial ix_ratings_reviewed. On a year these took 0.6–2 s by scanning instead."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from central import rating_lists
from central.db import make_engine
from central.migrate import upgrade
from central.settings import Settings

NOW = datetime(2026, 11, 30, 3, tzinfo=timezone.utc)


def plans(tmp_path: Path, **filters: Any) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement the list and its count send."""
    db = make_engine(Settings(db_path=str(tmp_path / "p.db")))
    upgrade(db)
    sent: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.startswith("SELECT"):
            sent.append((statement, params))

    with db.connect() as conn:
        event.listen(conn, "before_cursor_execute", keep)
        rating_lists.list_ratings(conn, NOW, staff_no=None, limit=50, **filters)
        rating_lists.count_ratings(conn, staff_no=None, **filters)
        event.remove(conn, "before_cursor_execute", keep)
        found = []
        for statement, params in sent:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            found.append(" / ".join(str(r[-1]) for r in rows))
    db.dispose()
    return found


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({"bad": True}, "ix_ratings_bad"),
        ({"start": date(2026, 11, 1), "end": date(2026, 11, 30)}, "ix_ratings_day_rated"),
        ({"states": ("pending", "upheld")}, "ix_ratings_reviewed"),
    ],
    ids=["bad", "range", "states"],
)
def test_each_list_reads_through_its_index(
    tmp_path: Path, filters: dict[str, Any], index: str
) -> None:
    found = plans(tmp_path, **filters)
    assert found, "the list sent nothing"
    for plan in found:
        assert index in plan, plan
        assert not re.search(r"SCAN ratings(?! USING)", plan), plan  # never the whole table
