"""A box shows whether it is ticked in its characters (the clerk's walk at NO_COLOR=1 and
TERM=linux): the agent box of the intake drew "▐X▌" ticked or not, the two told apart by colour
alone, so on a console without colour the clerk could not see whether an agent was recorded."""

from __future__ import annotations

from typing import Any

from client.api import CentralClient
from counter.core.i18n import t
from tests.hall_data import MOBILE, SENIOR_ID
from tests.pilot import SIZE, applicant_of_bdc002, build, screen_lines, until


def agent_line(app: Any) -> str:
    label = t("intake.applicant.agent_acts")
    return next((line for line in screen_lines(app) if label in line), "")


async def test_the_agent_box_draws_its_mark_only_when_ticked(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await applicant_of_bdc002(pilot, app, make_client)
        await until(pilot, lambda: agent_line(app) != "", "the agent box")
        assert "X▌" not in agent_line(app)  # "▐ ▌": nothing ticked
        screen.query_one("#f-has_agent").focus()
        await pilot.press("space")
        await until(pilot, lambda: screen.state.applicant.has_agent, "the agent ticked")
        await until(pilot, lambda: "X▌" in agent_line(app), "the mark drawn")
        await pilot.press("space")
        await until(pilot, lambda: "X▌" not in agent_line(app), "the mark gone")


async def test_enter_on_the_agent_box_goes_on_and_space_ticks_it(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    """Enter on the box ticked it and opened four agent fields where the clerk meant to go on
    to the checklist (the footer had dropped ⏎ Next there). Enter goes on, Space ticks."""
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await applicant_of_bdc002(pilot, app, make_client)
        await pilot.press(*"张三", "tab", "tab", *SENIOR_ID, "tab", *MOBILE, "tab")
        box = screen.query_one("#f-has_agent")
        await until(pilot, lambda: app.focused is box, "the agent box")
        await pilot.press("space")
        await until(pilot, lambda: screen.state.applicant.has_agent, "ticked by space")
        await pilot.press("space")
        await until(pilot, lambda: not screen.state.applicant.has_agent, "unticked by space")
        await until(pilot, lambda: "⏎ Next" in " ".join(screen_lines(app)[-2:]), "⏎ Next shown")
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.step == "checklist", "the checklist")
        assert not screen.state.applicant.has_agent
