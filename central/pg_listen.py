"""PostgreSQL LISTEN/NOTIFY: an event written by another server process wakes this one's reader.

Every transaction that writes events sends `NOTIFY counter_events` (central.events.emit);
PostgreSQL delivers it when that transaction commits. One connection per process listens.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import Engine

CHANNEL = "counter_events"
log = logging.getLogger("counter.central")


def conninfo(engine: Engine) -> str:
    """libpq's URL for the engine's database (with its password: never log it)."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


async def listen(engine: Engine, wake: Callable[[], None]) -> None:
    """Call `wake` on every notification, reconnecting while the database is away."""
    import psycopg

    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                conninfo(engine), autocommit=True, application_name="counter-listen"
            ) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                wake()  # whatever committed while nobody listened
                async for _note in conn.notifies():
                    wake()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database restarted, the network blinked …
            log.warning("event listener lost the database (%s); retrying", type(exc).__name__)
            await asyncio.sleep(1.0)
