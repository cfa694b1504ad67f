"""A key that does not apply says so for the key pressed (issue 9's leftover): `g` with a ticket
only called answered "F001 is called, not in service yet: ⏎ starts…", true but no word of what
g needs. Each answer names the key, what it needs, and the key that gets there, in zh and en."""

from __future__ import annotations

from typing import Any

import pytest

from client.api import CentralClient
from tests.pilot import build, issue, sign_in, until

EN = {
    "called": {
        "g": "{n} is called and still at the window: ⏎ starts its service or F4 marks it "
        "no-show; then g calls a ticket by its number.",
        "f2": "{n} is called and still at the window: ⏎ starts its service or F4 marks it "
        "no-show; then F2 calls the next one.",
        "f10": "{n} is called and still at the window: ⏎ starts its service or F4 marks it "
        "no-show; then F10 pauses the window.",
        "f8": "F8 finishes a ticket in service, and {n} is only called: ⏎ starts its service "
        "when the citizen is here.",
        "f7": "F7 holds a ticket in service, and {n} is only called: ⏎ starts its service "
        "when the citizen is here.",
    },
    "serving": {
        "g": "{n} is in service at the window: F8 finishes it, F7 holds it or F6 transfers it; "
        "then g calls a ticket by its number.",
        "f3": "F3 calls again a ticket not yet in service, and {n} is in service: F8 finishes it.",
        "f4": "F4 marks no-show a ticket not yet in service, and {n} is in service: "
        "F8 finishes it.",
        "enter": "{n} is already in service: F8 finishes it.",
    },
}
ZH = {
    "called": {
        "g": "{n} 已呼叫，仍在窗口：按 ⏎ 开始办理，或按 F4 过号；之后再按 g 按号码叫号。",
        "f8": "F8 办结的是正在办理的号票，{n} 只是已呼叫：群众到窗口后按 ⏎ 开始办理。",
    },
    "serving": {
        "f2": "{n} 正在办理，仍在窗口：按 F8 办结、F7 挂起或 F6 转移；之后再按 F2 叫下一位。",
        "f3": "F3 重呼的是尚未开始办理的号票，{n} 正在办理：按 F8 办结。",
    },
}


def notices(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.mark.parametrize(("lang", "said"), [("en", EN), ("zh", ZH)])
async def test_a_key_that_does_not_apply_says_what_it_needs(
    terminal_client: CentralClient, make_client: Any, clock: Any, lang: str, said: Any
) -> None:
    (number,) = await issue(make_client, "A")
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        await until(pilot, lambda: not app.screen.busy, "the call's keys back")
        for status, answers in said.items():
            if status == "serving":
                await pilot.press("enter")
                await until(pilot, lambda: app.session.current.status == "serving", "started")
                await until(pilot, lambda: not app.screen.busy, "the start's keys back")
            for key, sentence in answers.items():
                app.clear_notifications()
                await pilot.press(key)
                expected = sentence.format(n=number)
                await until(pilot, lambda: notices(app) != [], f"{key} answers")
                assert notices(app) == [expected]
