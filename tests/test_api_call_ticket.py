"""叫指定号: POST /v1/windows/{no}/call-ticket — a clerk or supervisor calls one named ticket."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from central.schema import audit
from client import errors
from tests.conftest import ClientFactory

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def audit_actions(app: Any) -> list[tuple[str, str | None]]:
    with app.state.store.engine.connect() as conn:
        rows = conn.execute(select(audit.c.action, audit.c.actor).order_by(audit.c.id)).all()
    return [(r.action, r.actor) for r in rows]


async def test_clerk_calls_a_named_ticket_out_of_order(
    make_client: ClientFactory, central_app: Any
) -> None:
    kiosk, clerk = await make_client("kiosk01"), await make_client("1001")
    first = await kiosk.issue_ticket("A")
    second = await kiosk.issue_ticket("A")
    await clerk.sign_on(1)
    called = await clerk.call_ticket(1, number=second.number.lower())
    assert (called.id, called.status, called.window_no) == (second.id, "called", 1)
    assert (await clerk.ticket(first.id)).status == "waiting"
    assert ("ticket.call_named", "1001") in audit_actions(central_app)
    # The window now has a ticket: a second named call is refused with a sentence.
    with pytest.raises(errors.Conflict, match="Start, transfer or mark no-show"):
        await clerk.call_ticket(1, ticket_id=first.id)


async def test_refusals_say_why(make_client: ClientFactory) -> None:
    kiosk, clerk, boss = (
        await make_client("kiosk01"),
        await make_client("1001"),
        await make_client("2001"),
    )
    b = await kiosk.issue_ticket("B")
    a = await kiosk.issue_ticket("A")
    with pytest.raises(errors.Conflict, match="signed off"):
        await boss.call_ticket(1, number=a.number)
    await clerk.sign_on(1)
    with pytest.raises(errors.Forbidden, match="does not serve queue B"):
        await clerk.call_ticket(1, number=b.number)
    with pytest.raises(errors.NotFound, match="No ticket Z999"):
        await clerk.call_ticket(1, number="Z999")
    with pytest.raises(errors.Invalid, match="exactly one"):
        await clerk.call_ticket(1)
    # A supervisor may call a ticket of any queue to any signed-on window.
    called = await boss.call_ticket(1, number=b.number)
    assert called.window_no == 1 and called.staff_no == "1001"
    # A called ticket cannot be called again.
    await (await make_client("1002")).sign_on(2)
    with pytest.raises(errors.Conflict, match="only a waiting ticket can be called"):
        await boss.call_ticket(2, number=b.number)
