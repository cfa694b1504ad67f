"""叫指定号 at the counter (issue 9, item 14): `g`, a number and a reason call that ticket,
a waiting one or one that missed its call and came back; the reason is in the audit trail."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from textual.widgets import Input

from central.schema import audit
from client import errors
from client.api import CentralClient
from screens.call_named import CallNamedScreen
from tests.conftest import ClientFactory
from tests.pilot import SIZE, build, issue, sign_in, until


def named_calls(app: Any) -> list[dict[str, Any]]:
    with app.state.store.engine.connect() as conn:
        rows = conn.execute(
            select(audit.c.after).where(audit.c.action == "ticket.call_named")
        ).all()
    return [r.after if isinstance(r.after, dict) else json.loads(r.after) for r in rows]


async def test_a_missed_ticket_is_called_back_with_its_reason(
    make_client: ClientFactory, central_app: Any
) -> None:
    kiosk, clerk = await make_client("kiosk01"), await make_client("1001")
    ticket = await kiosk.issue_ticket("A")
    await clerk.sign_on(1)
    await clerk.call_next(1)
    await clerk.no_show(ticket.id)
    called = await clerk.call_ticket(1, number=ticket.number, reason="came back after the call")
    assert (called.status, called.window_no) == ("called", 1)
    assert named_calls(central_app)[-1]["reason"] == "came back after the call"
    with pytest.raises(errors.Conflict):
        await clerk.call_ticket(1, number=ticket.number, reason="again")


async def test_g_then_a_number_calls_that_ticket(
    terminal_client: CentralClient, make_client: Any, clock: Any, central_app: Any
) -> None:
    first, second = await issue(make_client, "A", "A")
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, CallNamedScreen), "the dialog")
        await pilot.press(*second.lower(), "enter")
        # No reason yet: said at the field, nothing sent.
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, CallNamedScreen)
        assert dialog.query_one("#call-named-error").render().plain  # type: ignore[attr-defined]
        assert named_calls(central_app) == []
        await pilot.press(*"green channel", "enter")
        await until(
            pilot,
            lambda: app.session.current is not None and app.session.current.number == second,
            "the named call",
        )
        assert named_calls(central_app)[-1]["reason"] == "green channel"

        # A number that is not called here gets one sentence, the dialog stays with its text.
        await pilot.press("f4")  # no-show frees the window
        await until(pilot, lambda: app.session.current is None, "the no-show")
        await pilot.press("g", *"Z999", "enter", *"test", "enter")
        await until(
            pilot,
            lambda: "Z999" in str(app.screen.query_one("#call-named-error").render()),
            "the refusal",
        )
        assert app.screen.query_one("#call-named-number", Input).value == "Z999"
        assert first  # still waiting, untouched
