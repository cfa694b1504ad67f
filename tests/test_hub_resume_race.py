"""A stream resuming ahead of the hub (its Last-Event-ID read from the database before the hub
read it) must not lose what the hub hands out while it checks that id."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timezone
from pathlib import Path

from central.app import create_app
from central.context import SystemCtx
from central.event_hub import hub_of
from central.events import emit, last_event_id
from central.settings import Settings

ID = re.compile(rb"^id: (\d+)$", re.MULTILINE)


async def test_a_batch_handed_out_while_a_stream_opens_reaches_it(tmp_path: Path) -> None:
    settings = Settings(db_path=str(tmp_path / "c.db"), seed="demo", kdf_fast=True)
    store = create_app(settings).state.store
    hub = hub_of(store)

    def event(queue: str) -> int:
        with store.write() as conn:
            ctx = SystemCtx(now=datetime.now(timezone.utc), hall=store.hall)
            emit(conn, ctx, "queue.changed", queue=queue)
        with store.read() as conn:
            return last_event_id(conn)

    try:
        await hub._start()
        # The terminal read the newest id (its queues answer) before the hub read that event.
        seen = event("A")
        assert hub.cursor is not None and hub.cursor < seen
        newest = hub._newest
        handed_out: list[int] = []

        async def newest_while_the_hub_reads_on() -> int:
            found = await newest()
            handed_out.append(event("B"))  # a write commits while the stream is opening
            for _ in range(250):  # the reader hands it to the listeners there are (none yet)
                if hub.cursor >= handed_out[0]:
                    break
                await asyncio.sleep(0.02)
            assert hub.cursor >= handed_out[0], "the hub never read event B"
            return found

        hub._newest = newest_while_the_hub_reads_on  # type: ignore[method-assign]
        got: list[bytes] = []

        async def send(message: dict[str, object]) -> None:
            body = message.get("body", b"")
            assert isinstance(body, bytes)
            got.append(body)

        listener, missed = await hub.subscribe(seen, send)
        await listener.flush()
        after = event("C")
        for _ in range(250):
            if [int(x) for x in ID.findall(missed + b"".join(got))][-1:] == [after]:
                break
            await asyncio.sleep(0.02)
        ids = [int(x) for x in ID.findall(missed + b"".join(got))]
        assert ids == [handed_out[0], after]
    finally:
        hub.close()
        store.dispose()
