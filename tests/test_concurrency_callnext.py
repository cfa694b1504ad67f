"""100 windows call at once from a pool of 2,000 tickets: every ticket is called exactly once,
and no window hears "nothing waits" while a ticket is still waiting for it."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from client.api import CentralClient
from client.asgi import StreamingASGITransport

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from big_hall import write_big_hall

WINDOWS = 100
TICKETS = 2000


def _waiting(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        row = conn.execute("select count(*) from tickets where status='waiting'").fetchone()
    return int(row[0])


async def test_hundred_windows_never_share_or_lose_a_ticket(tmp_path: Path, clock: Any) -> None:
    from central.app import create_app
    from central.settings import Settings

    db = tmp_path / "load.db"
    hall = write_big_hall(tmp_path / "hall.toml", windows=WINDOWS)
    app = create_app(Settings(db_path=str(db), seed=str(hall), clock=clock, kdf_fast=True))
    transport = StreamingASGITransport(app)

    kiosk = CentralClient("http://load", transport=transport)
    await kiosk.login("kiosk", "load")
    issued: list[int] = []
    for start in range(0, TICKETS, 100):
        batch = await asyncio.gather(
            *(kiosk.issue_ticket("A" if n % 3 else "B") for n in range(start, start + 100))
        )
        issued += [t.id for t in batch]
    assert len(set(issued)) == TICKETS

    clerks = [CentralClient("http://load", transport=transport) for _ in range(WINDOWS)]
    await asyncio.gather(*(c.login(f"c{n:03d}", "load") for n, c in enumerate(clerks, 1)))
    await asyncio.gather(*(c.sign_on(n) for n, c in enumerate(clerks, 1)))

    called: list[int] = []
    waiting_when_told_empty: list[int] = []

    async def work(no: int, clerk: CentralClient) -> None:
        while True:
            ticket = await clerk.call_next(no)
            if ticket is None:
                waiting_when_told_empty.append(_waiting(db))
                return
            assert ticket.window_no == no
            called.append(ticket.id)
            await clerk.no_show(ticket.id)

    await asyncio.gather(*(work(n, c) for n, c in enumerate(clerks, 1)))

    twice = [tid for tid, n in Counter(called).items() if n > 1]
    assert twice == []
    assert sorted(called) == sorted(issued)
    assert waiting_when_told_empty == [0] * WINDOWS
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute("select status, count(*) from tickets group by status"))
        calls = conn.execute(
            "select count(*) from audit where action = 'ticket.call' and object_type = 'ticket'"
        ).fetchone()[0]
    assert statuses == {"missed": TICKETS}
    assert calls == TICKETS
    for client in [kiosk, *clerks]:
        await client.aclose()
