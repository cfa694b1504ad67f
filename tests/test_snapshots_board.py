"""Snapshots of the hall board at 80×24 and 120×40, in Chinese and English: windows serving,
calling, paused and signed off, queues with one over its level, and an open alert.

Deterministic: a fixed clock shared by server and terminal, no simulator, notices cleared.
Look at each SVG in tests/__snapshots__/ before accepting it with --snapshot-update.
"""

from __future__ import annotations

from typing import Any

import pytest

from central.alert_watch import check_now
from client.rating_models import RatingRequest
from screens.supervisor.board import HallBoardScreen
from screens.widgets.status_line import StatusLine
from tests.hall_data import client_factory
from tests.pilot import build, in_process, settle


async def busy_hall(central_app: Any, clock: Any) -> None:
    """A morning: five windows at work, one paused for 40 minutes, queue A over its level."""
    new, made = client_factory(central_app)
    kiosk = await new("kiosk01")
    pads = {1: await new("pad01"), 6: await new("pad06")}  # each window's own pad
    for queue, count in (("A", 22), ("B", 3), ("C", 2), ("E", 1)):
        for _ in range(count):
            await kiosk.issue_ticket(queue)
    paused = await new("1008")
    await paused.sign_on(8)
    await paused.pause(8, "training")
    for staff_no, window in (("1001", 1), ("1002", 2), ("1006", 6), ("1010", 10)):
        clerk = await new(staff_no)
        await clerk.sign_on(window)
        ticket = await clerk.call_next(window)
        if ticket is None or window == 10:
            continue
        await clerk.start(ticket.id)
        if window in (1, 6):
            clock.advance(minutes=7)
            await clerk.finish(ticket.id)
            rating = RatingRequest(ticket_id=ticket.id, level=5 if window == 1 else 2)
            await pads[window].post_rating(rating)
            again = await clerk.call_next(window)
            if again is not None:
                await clerk.start(again.id)
    clock.advance(minutes=35)
    check_now(central_app.state.store)
    for client in made:
        await client.aclose()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hall_board(
    snap_compare: Any, central_app: Any, clock: Any, lang: str, size: tuple[int, int]
) -> None:
    app = build(in_process(central_app), clock, lang=lang, login_as="2001", demo=True)

    async def ready(pilot: Any) -> None:
        await settle(pilot, lambda: isinstance(app.screen, HallBoardScreen))
        await busy_hall(central_app, clock)
        board = app.screen
        assert isinstance(board, HallBoardScreen)
        loads = board.loads
        board.load()
        await settle(pilot, lambda: board.loads > loads)
        # The stream's connection comes when it comes: wait for it, then draw the status line
        # with the clock as it stands (its minute timer would redraw it any time otherwise).
        await settle(pilot, lambda: app.session.connection == "live")
        for line in app.screen.query(StatusLine):
            line.redraw()
        await settle(pilot, lambda: True)

    assert snap_compare(app, terminal_size=size, run_before=ready)
