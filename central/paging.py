"""Lists page by keyset: a small page, a cursor for the next one, and how many there are.

A list answers with its page and two headers (the body keeps its shape):

    X-Total-Count: 1234        how many match (or "10000+" past COUNT_CAP: counting every row
                               of a year's audit trail would cost more than the page itself)
    X-Next-After: 98765        pass it back as ?after=98765 for the next page (absent: no more)
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from sqlalchemy import Connection, func, select

COUNT_CAP = 10_000


def capped_count(conn: Connection, query: Any, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows `query` (a select, unordered and unlimited) yields, up to `cap`; and
    whether the count is exact."""
    limited = query.order_by(None).limit(cap + 1).subquery()
    found = int(conn.execute(select(func.count()).select_from(limited)).scalar_one())
    return min(found, cap), found <= cap


def headers(response: Response, total: int, exact: bool, next_after: int | None) -> None:
    response.headers["X-Total-Count"] = str(total) if exact else f"{total}+"
    if next_after is not None:
        response.headers["X-Next-After"] = str(next_after)
