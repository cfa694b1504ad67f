"""What the clerk's terminal shows of the hall's kiosk and rating pad: a green-channel ticket
chosen at the kiosk is flagged for the clerk to confirm (zh and en), and the counter's own tally
line updates by itself when the pad at that window rates the service (no reload by hand)."""

from __future__ import annotations

from typing import Any

import pytest

from client.api import CentralClient
from client.rating_models import RatingRequest
from screens.counter import CounterScreen
from screens.widgets.tally_line import TallyLine
from tests.conftest import ClientFactory
from tests.pilot import build, sign_in, until

FLAG = {
    "en": "Check their papers: over 65, disabled or pregnant.",
    "zh": "请核验证件：65岁以上、残疾人或孕妇。",
}


def _ticket_info(app: Any) -> str:
    found = app.screen.query("#ticket-info")
    return str(found.first().render()).replace("\n", "") if found else ""


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_green_channel_ticket_from_the_kiosk_is_flagged_for_the_clerk(
    terminal_client: CentralClient, clock: Any, make_client: ClientFactory, lang: str
) -> None:
    kiosk = await make_client("kiosk01")
    walk_in = await kiosk.issue_ticket("A")
    green = await kiosk.issue_ticket("A", "green")  # the kiosk's 绿色通道 button
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f2")  # the green-channel ticket is called first
        await until(pilot, lambda: FLAG[lang] in _ticket_info(app), "the green-channel flag")
        assert app.session.current is not None and app.session.current.number == green.number
        await pilot.press("enter")  # serving: the flag stays until the service ends
        await until(
            pilot,
            lambda: app.session.current is not None and app.session.current.status == "serving",
            "serving",
        )
        await until(pilot, lambda: FLAG[lang] in _ticket_info(app), "the flag while serving")
        await pilot.press("f8")
        await until(pilot, lambda: app.session.current is None, "the service finished")
        await pilot.press("f2")
        await until(
            pilot,
            lambda: (
                app.session.current is not None and app.session.current.number == walk_in.number
            ),
            "the walk-in called",
        )
        await until(
            pilot,
            lambda: (
                ("waited" in _ticket_info(app) or "已等" in _ticket_info(app))
                and FLAG[lang] not in _ticket_info(app)
            ),
            "the walk-in's ticket drawn without the flag",
        )


async def test_the_tally_line_updates_when_the_pad_rates(
    terminal_client: CentralClient, clock: Any, make_client: ClientFactory
) -> None:
    kiosk, pad = await make_client("kiosk01"), await make_client("pad05")
    await kiosk.issue_ticket("A")
    app = build(terminal_client, clock, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, app)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        line = screen.query_one("#tally-line", TallyLine)
        await until(pilot, lambda: line.figures is not None, "today's tally")
        assert line.figures is not None and (line.figures.rated, line.figures.bad) == (0, 0)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        ticket = app.session.current
        assert ticket is not None
        await pilot.press("enter")
        await until(pilot, lambda: app.session.current.status == "serving", "serving")  # type: ignore[union-attr]
        await pilot.press("f8")
        await until(pilot, lambda: app.session.current is None, "the service finished")
        # The citizen rates on the pad at window 5: 不满意, with a reason from the national list.
        rating = RatingRequest(ticket_id=ticket.id, level=2, reasons=["slow"], channel="pad")
        await pad.post_rating(rating)
        await until(
            pilot,
            lambda: line.figures is not None and (line.figures.rated, line.figures.bad) == (1, 1),
            "the tally line counting the pad's rating",
        )
        await until(pilot, lambda: "poor 1" in str(line.render()), "the tally line redrawn")
