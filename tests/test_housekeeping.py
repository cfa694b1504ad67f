"""The periodic job prunes live events past the replay window and idempotency records past a
day, in small batches, never the audit trail; and it reports the database's size."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from central import housekeeping
from central.schema import audit, events, idempotency_keys


def counts(store: Any) -> tuple[int, int, int]:
    with store.read() as conn:
        return tuple(  # type: ignore[return-value]
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (events, idempotency_keys, audit)
        )


async def test_old_events_and_idempotency_records_go_the_audit_stays(
    make_client: Any, central_app: Any, clock: Any
) -> None:
    store = central_app.state.store
    kiosk = await make_client("kiosk01")
    for _ in range(5):
        await kiosk.issue_ticket("A")
    events_n, keys_n, audit_n = counts(store)
    assert events_n >= 5 and keys_n >= 5
    clock.advance(hours=23)
    assert housekeeping.prune_idempotency(store, batch=2) == 0  # a retry may still come
    clock.advance(hours=2)
    assert housekeeping.prune_idempotency(store, batch=2) == keys_n
    assert housekeeping.prune_events(store, batch=2) == 0  # inside the replay window
    clock.advance(days=3)
    assert housekeeping.prune_events(store, batch=2) == events_n
    assert counts(store) == (0, 0, audit_n)
    assert "MiB" in housekeeping.size_line(store)
