"""100 windows call at once from a pool of 2,000 tickets: every ticket is called exactly once,
and no window hears "nothing waits" while a ticket is still waiting for it."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from client.api import CentralClient
from client.asgi import StreamingASGITransport

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from big_hall import write_big_hall

WINDOWS = 100
# PostgreSQL pays a round trip per statement: the same 100 windows contend over fewer tickets
# there, to keep the suite short (bench/callnext.py --db-url runs the full count).
TICKETS_ON = {"sqlite": 2000, "postgresql": 300}


def _waiting(db: Engine) -> int:
    with db.connect() as conn:
        return int(
            conn.execute(text("select count(*) from tickets where status='waiting'")).scalar_one()
        )


@pytest.mark.backends("sqlite", "postgresql")
async def test_hundred_windows_never_share_or_lose_a_ticket(
    tmp_path: Path, clock: Any, db_url: str | None, backend: str
) -> None:
    tickets = TICKETS_ON[backend]
    from central.app import create_app
    from central.settings import Settings

    hall = write_big_hall(tmp_path / "hall.toml", windows=WINDOWS)
    app = create_app(
        Settings(
            db_path=str(tmp_path / "load.db"),
            db_url=db_url,
            seed=str(hall),
            clock=clock,
            kdf_fast=True,
        )
    )
    db = app.state.store.engine
    transport = StreamingASGITransport(app)

    kiosk = CentralClient("http://load", transport=transport)
    await kiosk.login("kiosk", "load")
    issued: list[int] = []
    for start in range(0, tickets, 100):
        batch = await asyncio.gather(
            *(kiosk.issue_ticket("A" if n % 3 else "B") for n in range(start, start + 100))
        )
        issued += [t.id for t in batch]
    assert len(set(issued)) == tickets

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
    with db.connect() as conn:
        statuses = dict(
            conn.execute(text("select status, count(*) from tickets group by status")).all()
        )
        calls = conn.execute(
            text(
                "select count(*) from audit where action = 'ticket.call' and object_type = 'ticket'"
            )
        ).scalar_one()
    assert statuses == {"missed": tickets}
    assert calls == tickets
    for client in [kiosk, *clerks]:
        await client.aclose()
    app.state.store.dispose()
