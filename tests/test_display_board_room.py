"""The terminal display board read from across the room (`counter display`, in-process central):
the big digits grow with the terminal from 80×24 up to 200×60 and always fit whole, and a new or
repeated call flashes the big panel's frame (the digits stay as they are); the calls already
made when the board starts do not flash."""

from __future__ import annotations

from typing import Any

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.core.config import Config
from counter.display_app import DisplayApp
from screens.display.digits import ScaledNumber
from tests.conftest import ClientFactory
from tests.pilot import until


def _board(central_app: Any, clock: Any) -> DisplayApp:
    client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    config = Config(
        central_url="http://central.test", lang="en", display_account="display01",
        display_password="counter",
    )  # fmt: skip
    return DisplayApp(client=client, config=config, clock=clock, voice=None)


def _live(app: DisplayApp) -> bool:
    return app.view is not None and app.view.connection == "live"


def _shown(app: DisplayApp) -> str | None:
    return app.board.latest.ticket if app.board.latest else None


def _drawn(app: DisplayApp, selector: str) -> tuple[int, int, int, int]:
    """(rows drawn, widest row, rows there are, columns there are) of one big number."""
    number = app.screen.query_one(selector, ScaledNumber)
    lines = str(number.render()).split("\n")
    room = number.content_size
    return len(lines), max(len(line) for line in lines), room.height, room.width


async def test_big_digits_grow_with_the_terminal_from_80x24_to_200x60(
    central_app: Any, clock: Any, make_client: ClientFactory
) -> None:
    kiosk, clerk = await make_client("kiosk01"), await make_client("1005")
    await kiosk.issue_ticket("A")
    await clerk.sign_on(5)
    called = await clerk.call_next(5)
    assert called is not None
    app = _board(central_app, clock)
    rows: dict[tuple[int, int], int] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: _live(app) and _shown(app) == called.number, "the call")
        for size in [(80, 24), (120, 40), (160, 45), (200, 60)]:
            await pilot.resize_terminal(*size)
            await until(pilot, lambda s=size: tuple(app.screen.size) == s, f"the board at {size}")
            await pilot.pause(0.05)
            for selector in ("#display-ticket", "#display-window-digits"):
                drawn, widest, height, width = _drawn(app, selector)
                assert drawn <= height and widest <= width, f"{selector} cut off at {size}"
            ticket_rows = _drawn(app, "#display-ticket")[0]
            assert ticket_rows >= 5, f"not block digits at {size}"
            rows[size] = ticket_rows
    print("ticket rows by size:", rows)
    heights = list(rows.values())
    assert heights == sorted(heights), rows
    assert rows[(200, 60)] >= 3 * rows[(80, 24)], rows


async def test_a_call_and_a_recall_flash_the_big_panel(
    central_app: Any, clock: Any, make_client: ClientFactory
) -> None:
    kiosk = await make_client("kiosk01")
    for _ in range(3):
        await kiosk.issue_ticket("A")
    clerk5, clerk4 = await make_client("1005"), await make_client("1004")
    await clerk5.sign_on(5)
    await clerk4.sign_on(4)
    earlier = await clerk5.call_next(5)  # called before the board starts: shown, not flashed
    assert earlier is not None
    await clerk5.no_show(earlier.id)
    app = _board(central_app, clock)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: _live(app) and _shown(app) == earlier.number, "the board")
        view = app.view
        assert view is not None and view.flashes_seen == 0 and not view.flashing
        first = await clerk5.call_next(5)
        assert first is not None
        await until(pilot, lambda: _shown(app) == first.number, "the call")
        await until(pilot, lambda: view.flashes_seen == 1, "the call's flash")
        await until(pilot, lambda: not view.flashing, "the flash over")
        second = await clerk4.call_next(4)
        assert second is not None
        await until(pilot, lambda: _shown(app) == second.number and not view.flashing, "second")
        await clerk5.recall(first.id)
        await until(pilot, lambda: _shown(app) == first.number, "the recall on top again")
        assert [c.ticket for c in app.board.recent][:1] == [second.number]
        # The frame turns heavy while it flashes; the digits are drawn the same throughout.
        panel = view.query_one("#display-latest")
        digits = str(view.query_one("#display-ticket", ScaledNumber).render())
        await until(pilot, lambda: view.has_class("flash"), "the recall's flash")
        assert panel.styles.border_top[0] == "heavy"
        assert str(view.query_one("#display-ticket", ScaledNumber).render()) == digits
        assert view.flashes_seen == 3
        await until(pilot, lambda: not view.flashing and not view.has_class("flash"), "over")
        assert panel.styles.border_top[0] == "round"
