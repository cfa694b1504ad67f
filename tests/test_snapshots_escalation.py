"""Snapshots of the escalation form and the supervisor's ledger at 80×24, in Chinese and English.

Deterministic: a fixed clock shared by server and terminal, no simulator, no cursor blink,
notices cleared. Look at each SVG in tests/__snapshots__/ before accepting it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.escalation_models import AssignRequest, EscalationRequest
from screens.counter import CounterScreen
from screens.escalation.common import EscalationPrefill
from screens.escalation.form import EscalationForm
from screens.escalation.ledger import LedgerScreen
from screens.sign_on import SignOnScreen
from screens.supervisor.board import HallBoardScreen
from tests.conftest import HALL_TZ
from tests.pilot import build, in_process, settle


def escalation(name: str, category: str, description: str) -> EscalationRequest:
    return EscalationRequest.model_validate(
        {
            "reporter": {"name": name, "phone": "13800138000"},
            "category": category,
            "description": description,
        }
    )


async def seed_ledger(central_app: Any, clock: Any) -> None:
    """Three escalations: one overdue (raised last Friday, urgent), one assigned, one new."""
    now = clock.now
    clock.now = datetime(2026, 11, 13, 16, 0, tzinfo=HALL_TZ)
    clerk = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    boss = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    try:
        await clerk.login("1003", "counter")
        await clerk.create_escalation(escalation("王秀英", "urgent", "老年卡补办三次未成"))
        clock.now = now
        await clerk.login("1003", "counter")
        await boss.login("2001", "counter")
        assigned = await clerk.create_escalation(
            escalation("某某物流有限公司", "complex", "跨部门证照变更无人受理")
        )
        await boss.assign_escalation(assigned.no, AssignRequest(department="scjg", handler="陈刚"))
        await clerk.create_escalation(escalation("李建华", "difficult", "历史遗留房产证办理"))
    finally:
        await clerk.aclose()
        await boss.aclose()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_escalation_form(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, login_as="1005")

    async def filled(pilot: Any) -> None:
        await settle(pilot, lambda: isinstance(app.screen, SignOnScreen))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, CounterScreen))
        prefill = EscalationPrefill(
            ticket_id=None,
            ticket_number="A012",
            case_no="ZC2026111700003",
            item_code="GJ-001",
            item_name="老年人公交免费乘车卡办理",
            reporter_name="王秀英",
        )
        app.push_screen(EscalationForm(prefill=prefill))
        await settle(pilot, lambda: isinstance(app.screen, EscalationForm))
        await pilot.press("f10")  # the missing fields say so at the field
        await settle(pilot, lambda: app.screen.focused is not None)

    assert snap_compare(app, terminal_size=(80, 24), run_before=filled)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_escalation_ledger(snap_compare: Any, central_app: Any, clock: Any, lang: str) -> None:
    app = build(in_process(central_app), clock, lang=lang, login_as="2001")

    async def ledger(pilot: Any) -> None:
        # Signed in first: seeding moves the shared clock back to last Friday for a moment.
        await settle(pilot, lambda: isinstance(app.screen, HallBoardScreen))
        await seed_ledger(central_app, clock)
        app.push_screen(LedgerScreen())
        await settle(
            pilot,
            lambda: isinstance(app.screen, LedgerScreen) and len(app.screen.items) == 3,
        )

    assert snap_compare(app, terminal_size=(80, 24), run_before=ledger)
