"""The escalation lists fit the terminal like the other tables (issue 9, item 9): the ledger
number, state, category and due date as wide as their words in this language, whole; the
department, reporter and description take the rest of the width, so 120 columns show the
names whole that 80 columns have to cut; the table never needs a sideways scroll. Both lists,
zh and en, at 80×24 and then 120×40 in the same run."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from rich.cells import cell_len
from rich.text import Text
from textual.coordinate import Coordinate

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.escalation_models import AssignRequest, EscalationRequest
from screens.escalation.common import category_text, due_cell, status_text
from screens.escalation.ledger import LedgerScreen
from screens.escalation.lists import MyEscalationsScreen
from screens.sign_on import SignOnScreen
from screens.supervisor.board import HallBoardScreen
from screens.widgets.fitted_table import PAD, Col, FittedTable, widths
from tests.conftest import HALL_TZ
from tests.pilot import build, until

NARROW, WIDE = (80, 24), (120, 40)
COMPANY = "某某国际物流供应链管理有限公司"  # the reporter: 15 characters, 30 cells
WHAT = "跨部门证照变更无人受理，群众已往返三次"


def request(name: str, category: str, description: str) -> EscalationRequest:
    return EscalationRequest.model_validate(
        {"reporter": {"name": name, "phone": "13800138000"}, "category": category}
        | {"description": description}
    )


async def seed(central_app: Any, clock: Any) -> None:
    """Clerk 1003's three escalations: one overdue (raised a fortnight ago), one assigned to
    the 市市场监督管理局 for a company with a long name, one new."""
    now = clock.now
    clerk = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    boss = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    try:
        clock.now = datetime(2026, 11, 13, 16, 0, tzinfo=HALL_TZ)
        await clerk.login("1003", "counter")
        await clerk.create_escalation(request("王秀英", "urgent", "老年卡补办三次未成"))
        clock.now = now
        await clerk.login("1003", "counter")
        await boss.login("2001", "counter")
        assigned = await clerk.create_escalation(request(COMPANY, "complex", WHAT))
        await boss.assign_escalation(assigned.no, AssignRequest(department="scjg", handler="陈刚"))
        await clerk.create_escalation(request("李建华", "difficult", "历史遗留房产证办理"))
    finally:
        await clerk.aclose()
        await boss.aclose()


def shown(table: FittedTable, row: int, key: str) -> str:
    column = [str(k.value) for k in table.columns].index(key)
    cell = table.get_cell_at(Coordinate(row, column))
    return cell.plain if isinstance(cell, Text) else str(cell)


def check_fits(screen: Any, wide: bool) -> None:
    table = screen.table()
    width = {str(key.value): column.width for key, column in table.columns.items()}
    # The whole width, and no more: nothing to scroll sideways to, nothing left empty.
    assert sum(width.values()) + PAD * len(width) == table.room()
    for row, escalation in enumerate(screen.items):
        whole = {
            "no": escalation.no,
            "status": status_text(escalation.status),
            "category": category_text(escalation.category),
            "due": due_cell(escalation, screen.today).plain,
        }
        for key, text in whole.items():
            assert shown(table, row, key) == text
            assert cell_len(text) <= width[key]
        for key in ("department", "reporter", "what"):
            if key in width:
                text = shown(table, row, key)
                assert cell_len(text) <= width[key]
                if wide:
                    assert "…" not in text, (key, text)  # 120 columns: every name whole
    if wide:  # the long name (ledger) or description (mine) whole
        key = "reporter" if "reporter" in width else "what"
        names = [shown(table, row, key) for row in range(len(screen.items))]
        assert (COMPANY if key == "reporter" else WHAT) in names


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_ledger_fits_80_and_120_columns(
    central_app: Any, terminal_client: CentralClient, clock: Any, lang: str
) -> None:
    app = build(terminal_client, clock, lang=lang, login_as="2001", window=None)
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the hall board")
        await seed(central_app, clock)
        app.push_screen(LedgerScreen())
        await until(
            pilot,
            lambda: isinstance(app.screen, LedgerScreen) and len(app.screen.items) == 3,
            "the ledger",
        )
        ledger = app.screen
        narrow = dict(ledger.table().columns.items())
        check_fits(ledger, wide=False)
        await pilot.resize_terminal(*WIDE)
        await until(pilot, lambda: ledger.table().room() > 100, "the wider table")
        await until(
            pilot,
            lambda: (
                sum(c.width for c in ledger.table().columns.values())
                > sum(c.width for c in narrow.values())
            ),
            "the columns laid out again",
        )
        check_fits(ledger, wide=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_my_escalations_fit_80_and_120_columns(
    central_app: Any, terminal_client: CentralClient, clock: Any, lang: str
) -> None:
    app = build(terminal_client, clock, lang=lang, login_as="1003", window=3)
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignOnScreen), "the sign-on screen")
        await seed(central_app, clock)
        app.push_screen(MyEscalationsScreen())
        await until(
            pilot,
            lambda: isinstance(app.screen, MyEscalationsScreen) and len(app.screen.items) == 3,
            "my escalations",
        )
        mine = app.screen
        check_fits(mine, wide=False)
        await pilot.resize_terminal(*WIDE)
        await until(pilot, lambda: mine.table().room() > 100, "the wider table")
        await until(
            pilot, lambda: WHAT in [shown(mine.table(), r, "what") for r in range(3)], "the wide"
        )
        check_fits(mine, wide=True)


def test_a_share_column_takes_no_more_than_its_widest_text() -> None:
    cols = [
        Col("no", "No.", fits=("BBC-20261117-0002",)),
        Col("department", "Department", fits=("市市场监督管理局",), share=3, least=6),
        Col("reporter", "Reporter", fits=(COMPANY,), share=2, least=6),
    ]
    # 60 cells to share: 3:2 would cut the company's name to 24 cells; the department needs 16.
    laid = widths(cols, 6 + 17 + 60)
    assert laid["department"] == cell_len("市市场监督管理局")
    assert laid["reporter"] == 60 - 16  # the rest: the long name whole, the spare at the end
    cramped = widths(cols, 40)  # not room for both: shared as before, never under `least`
    assert cramped["department"] >= 6 and cramped["reporter"] >= 6
