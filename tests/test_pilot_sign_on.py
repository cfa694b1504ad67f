"""The sign-on screen follows the hall and starts on the clerk's own window (issue 9, item 8)."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList

from client.api import CentralClient
from screens.login import LoginScreen
from screens.sign_on import SignOnScreen
from tests.pilot import SIZE, build, until


def _option_text(screen: SignOnScreen, no: int) -> str:
    options = screen.query_one("#windows", OptionList)
    option = options.get_option(str(no))
    return str(option.prompt.plain if hasattr(option.prompt, "plain") else option.prompt)


async def test_sign_on_goes_live_and_starts_on_the_clerks_window(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    # No window in the terminal's config: the central knows 1005 usually works at window 5.
    app = build(terminal_client, clock, window=None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        await pilot.press(*"1005", "enter", *"counter", "enter")
        await until(pilot, lambda: isinstance(app.screen, SignOnScreen), "the sign-on screen")
        screen = app.screen
        assert isinstance(screen, SignOnScreen)
        options = screen.query_one("#windows", OptionList)
        assert options.highlighted is not None
        assert options.get_option_at_index(options.highlighted).id == "5"

        # The status line leaves "connecting": the hall's events are followed here too.
        await until(pilot, lambda: app.session.connection == "live", "the live link")

        # A colleague signs on at window 2 meanwhile: the list says so without a key pressed.
        assert "Li Na" not in _option_text(screen, 2) and "李娜" not in _option_text(screen, 2)
        colleague = await make_client("1002")
        await colleague.sign_on(2)
        await until(pilot, lambda: "李娜" in _option_text(screen, 2), "window 2 taken")
        assert "signed off" not in _option_text(screen, 2).lower()
        # The highlight stays where the clerk had it.
        assert options.get_option_at_index(options.highlighted or 0).id == "5"
