"""Numbers that start again each hall-local day: queue numbers (A001 per queue), case numbers
(ZC2026111700012) and escalation ledger numbers (BBC-20261121-0007).

Each kind keeps the last number issued in a table keyed by `service_day` (plus, for queues, the
queue prefix), and the next one is drawn with one upsert — no read-modify-write, so two
writers (or two server processes) never draw the same number. The statement is built once per
table and dialect and then reused, so SQLAlchemy compiles it once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

_BUILT: dict[tuple[str, str], Any] = {}


def _statement(sequences: Table, dialect_name: str) -> Any:
    built = _BUILT.get((sequences.name, dialect_name))
    if built is not None:
        return built
    dialect: Any = postgresql if dialect_name == "postgresql" else sqlite
    keys = list(sequences.primary_key.columns)
    built = (
        dialect.insert(sequences)
        .values({**{c.name: bindparam(f"b_{c.name}", type_=c.type) for c in keys}, "last_seq": 1})
        .on_conflict_do_update(index_elements=keys, set_={"last_seq": sequences.c.last_seq + 1})
        .returning(sequences.c.last_seq)
    )
    _BUILT[(sequences.name, dialect_name)] = built
    return built


def next_in_day(conn: Connection, sequences: Table, day: date, **scope: Any) -> int:
    """The day's next number from `sequences` (1 for the first of the day). `scope` names the
    table's other key columns, e.g. `queue_prefix="A"` for the queue numbers."""
    stmt = _statement(sequences, conn.dialect.name)
    params = {f"b_{name}": value for name, value in scope.items()}
    params["b_service_day"] = day
    return int(conn.execute(stmt, params).scalar_one())
