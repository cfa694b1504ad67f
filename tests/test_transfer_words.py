"""The transfer list names its targets as the counter does (issue 9's leftover): en read
"queue B 不动产登记" in lower case beside "Window 6 不动产登记 1"; the hint names what Enter
does."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import OptionList

from client.api import CentralClient
from screens.transfer import TransferScreen
from tests.pilot import build, issue, sign_in, until

SAID = {
    "en": (
        "Queue B 不动产登记",
        "Window 6 不动产登记 1 · ",
        "↑↓ choose · Enter: transfer · Esc: cancel",
    ),
    "zh": ("B 队列 不动产登记", "6号窗口 不动产登记 1 · ", "↑↓ 选择 · 回车：转移 · Esc：取消"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_transfer_list_names_queues_and_windows_alike(
    terminal_client: CentralClient, make_client: Any, clock: Any, lang: str
) -> None:
    await issue(make_client, "A")
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        await pilot.press("f6")
        await until(pilot, lambda: isinstance(app.screen, TransferScreen), "the transfer list")
        targets = app.screen.query_one(OptionList)
        await until(pilot, lambda: targets.option_count > 0, "the targets")
        shown = [str(targets.get_option_at_index(i).prompt) for i in range(targets.option_count)]
        queue, window, hint = SAID[lang]
        assert queue in shown
        assert any(line.startswith(window) for line in shown), shown
        assert not any(line.startswith("queue") for line in shown), shown
        assert hint in str(app.screen.query_one(".dialog-hint").render())
