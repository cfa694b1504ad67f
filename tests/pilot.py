"""Helpers the Pilot tests share: build the terminal on the in-process central, wait, sign in."""

from __future__ import annotations

import html
import io
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.console import Console
from textual.widgets import Static

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.hall_time import hall_now
from counter.app import CounterApp, make_app
from counter.core.config import Config
from counter.core.demo_account import DemoAccount
from screens.counter import CounterScreen
from screens.escalation.form import EscalationForm
from screens.escalation.hooks import open_escalations
from screens.escalation.ledger import LedgerScreen
from screens.intake import IntakeScreen, open_intake
from screens.login import LoginScreen
from screens.sign_on import SignOnScreen
from screens.supervisor.board import HallBoardScreen
from tests.hall_data import MOBILE, SENIOR_ID

SIZE = (80, 24)
BOARD_SIZE = (100, 30)  # the supervisor's board tests


async def issue(make_client: Any, *queues: str) -> list[str]:
    """Tickets from the kiosk, one per queue prefix given; their numbers."""
    kiosk = await make_client("kiosk01")
    return [(await kiosk.issue_ticket(queue)).number for queue in queues]


def build(
    client: CentralClient,
    clock: Any,
    *,
    login_as: str | None = None,
    demo: bool = False,
    **config: Any,
) -> CounterApp:
    """THE terminal of the Pilot and snapshot tests, built by the CLI's own factory: on
    `client` (the `terminal_client` fixture, or `in_process(central_app)`), in English at
    window 5 unless `config` says otherwise (`window=None`: a supervisor's terminal).
    `login_as`: a staff number that signs in with the demo password at start; `demo`: the demo's
    accounts and badge without anything simulated moving (QuietDemo)."""
    options: dict[str, Any] = {"central_url": "http://central.test", "lang": "en", "window": 5}
    options.update(config)
    return make_app(
        client=client,
        config=Config(**options),
        demo=QuietDemo(client) if demo else None,  # type: ignore[arg-type]
        clock=clock,
        login_as=(login_as, "counter") if login_as else None,
    )


def in_process(central_app: Any) -> CentralClient:
    """A terminal's own client on the central app in this process (snapshot tests)."""
    return CentralClient("http://central.test", transport=StreamingASGITransport(central_app))


# A wait, never a timing assertion: on a loaded box a step can take many seconds, and a passing
# test returns the moment its condition holds, so the bound only says when to give up.
WAIT_S = 60.0


async def until(
    pilot: Any, condition: Callable[[], bool], what: str, seconds: float = WAIT_S
) -> None:
    """Wait for the condition, checking every 20 ms (wall clock: a slow step counts as time)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def sign_in(pilot: Any, app: CounterApp, staff_no: str = "1005") -> None:
    """Log in with the demo password and sign on at the configured window (or find the
    window still signed on, after a restart), until the queue figures are shown."""
    await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
    await pilot.press(*staff_no)
    await pilot.press("enter")  # staff number → password field
    await pilot.press(*"counter")
    await pilot.press("enter")
    await until(
        pilot, lambda: isinstance(app.screen, (SignOnScreen, CounterScreen)), "the sign-on screen"
    )
    if isinstance(app.screen, SignOnScreen):
        await pilot.press("enter")  # the configured window is highlighted
    await until(pilot, lambda: isinstance(app.screen, CounterScreen), "the counter screen")
    await until(pilot, lambda: bool(app.session.queues), "the queue figures")


async def settle(pilot: Any, condition: Callable[[], bool]) -> None:
    """Wait for the condition, then for the screen to be still, notices cleared: a snapshot."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the screen did not reach the expected state")
        await pilot.pause(0.02)
    await pilot.pause(0.1)
    pilot.app.clear_notifications()
    await pilot.pause(0.05)


DEMO_ACCOUNTS = [
    DemoAccount(f"10{no:02d}", name, "clerk", "counter", no)
    for no, name in enumerate(["王芳", "李娜", "张伟", "刘洋", "陈静", "杨帆"], start=1)
] + [DemoAccount("2001", "周敏", "supervisor", "counter", None)]


class QuietDemo:
    """Stand-in for DemoHall in snapshots: its accounts, no simulated arrivals."""

    def __init__(self, client: CentralClient) -> None:
        self.client = client
        self.accounts = DEMO_ACCOUNTS
        self.speed = 1.0

    def now(self) -> datetime:
        return hall_now()

    async def start(self) -> None:
        return None

    async def free_window(self, no: int) -> None:
        return None

    async def aclose(self) -> None:
        return None


async def open_board(pilot: Any, app: CounterApp) -> HallBoardScreen:
    await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the hall board")
    screen = app.screen
    assert isinstance(screen, HallBoardScreen)
    await until(pilot, lambda: screen.loads > 0, "the board's figures")
    return screen


async def open_escalation_form(pilot: Any, app: CounterApp) -> EscalationForm:
    """F9 on the counter screen, until the form is up with its first field focused."""
    await pilot.press("f9")
    await until(pilot, lambda: isinstance(app.screen, EscalationForm), "the form")
    form = app.screen
    assert isinstance(form, EscalationForm)
    await until(pilot, lambda: form.focused is form.query_one("#f-name"), "the name field")
    return form


async def serve_a_ticket(pilot: Any, app: CounterApp, make_client: Any) -> str:
    kiosk = await make_client("kiosk01")
    number = (await kiosk.issue_ticket("A")).number
    await pilot.press("f2")
    await until(pilot, lambda: app.session.current is not None, "the call")
    await pilot.press("enter")
    await until(pilot, lambda: app.session.can("finish"), "service to start")
    return number


async def open_the_intake(pilot: Any, app: CounterApp) -> IntakeScreen:
    """F5 on the counter screen; until the integrator wires F5, the same hook directly."""
    await pilot.press("f5")
    await pilot.pause(0.1)
    if not isinstance(app.screen, IntakeScreen):
        open_intake(app)
    await until(pilot, lambda: isinstance(app.screen, IntakeScreen), "the intake")
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    await until(pilot, lambda: screen.loaded is not None, "the catalog")
    return screen


async def intake_for_a_served_ticket(pilot: Any, app: CounterApp, make_client: Any) -> IntakeScreen:
    """Signed on at the window, a ticket called and served, the intake open on it."""
    return (await served_and_intake_open(pilot, app, make_client))[1]


async def applicant_of_bdc002(pilot: Any, app: CounterApp, make_client: Any) -> IntakeScreen:
    """The intake on a served ticket at the applicant step of BDC-002, nothing typed yet."""
    screen = await intake_for_a_served_ticket(pilot, app, make_client)
    await choose_item(pilot, screen, "BDC-002", "BDC-002")
    return screen


async def served_and_intake_open(
    pilot: Any, app: CounterApp, make_client: Any
) -> tuple[str, IntakeScreen]:
    """As intake_for_a_served_ticket, with the number of the ticket served."""
    await sign_in(pilot, app)
    number = await serve_a_ticket(pilot, app, make_client)
    return number, await open_the_intake(pilot, app)


async def checklist_for_a_served_ticket(
    pilot: Any, app: CounterApp, make_client: Any
) -> IntakeScreen:
    """The intake on a served ticket at the checklist of BDC-002 (the usual applicant)."""
    screen = await intake_for_a_served_ticket(pilot, app, make_client)
    await checklist_bdc002(pilot, screen)
    return screen


async def accept_everything(pilot: Any, screen: IntakeScreen) -> None:
    """From the checklist: every material received (ctrl+a), Enter to the decision, Enter to
    store the case; until it is stored."""
    await pilot.press("ctrl+a", "enter")
    await until(pilot, lambda: screen.state.step == "decision", "the decision")
    await pilot.press("enter")
    await until(pilot, lambda: screen.case is not None, "the case")


async def choose_item(pilot: Any, screen: IntakeScreen, query: str, code: str) -> None:
    await pilot.press(*query)
    await until(pilot, lambda: screen.query_one("ItemSearch").results != [], "results")  # type: ignore[attr-defined]
    results = screen.query_one("ItemSearch").results  # type: ignore[attr-defined]
    assert results[0].code == code, [r.code for r in results[:5]]
    await pilot.press("enter")
    await until(pilot, lambda: screen.state.step == "applicant", "the applicant step")


async def fill_applicant(
    pilot: Any, screen: IntakeScreen, name: str = "张三", number: str = SENIOR_ID
) -> None:
    # Focus starts in the name field: name, Tab (ID kind), Tab, ID number, Tab, mobile, Enter.
    await pilot.press(*name, "tab", "tab", *number, "tab", *MOBILE, "enter")


async def checklist_bdc002(pilot: Any, screen: IntakeScreen) -> None:
    await choose_item(pilot, screen, "BDC-002", "BDC-002")
    await fill_applicant(pilot, screen)
    await until(pilot, lambda: screen.state.step == "checklist", "the checklist")


def text_of(screen: Any, selector: str) -> str:
    """What a Static shows, as plain text (Rich renderables rendered)."""
    console = Console(width=120, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(screen.query_one(selector, Static).content)
    return captured.get()


async def open_ledger(pilot: Any, app: CounterApp) -> LedgerScreen:
    await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the hall board")
    open_escalations(app)
    await until(pilot, lambda: isinstance(app.screen, LedgerScreen), "the ledger")
    ledger = app.screen
    assert isinstance(ledger, LedgerScreen)
    await until(pilot, lambda: ledger.loaded and bool(ledger.known_departments()), "the rows")
    return ledger


async def intake_for_a_ticket(pilot: Any, central_app: Any) -> IntakeScreen:
    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, SignOnScreen))
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(app.screen, CounterScreen) and bool(app.session.queues))
    kiosk = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    await kiosk.login("kiosk01", "counter")
    await kiosk.issue_ticket("A")
    await kiosk.aclose()
    await pilot.press("f2")
    await settle(pilot, lambda: app.session.current is not None)
    await pilot.press("enter")
    await settle(pilot, lambda: app.session.can("finish"))
    open_intake(app)
    await settle(pilot, lambda: isinstance(app.screen, IntakeScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    return screen


async def open_verify_dialog(pilot: Any, app: CounterApp, row: int = 0) -> int:
    """On the 差评 queue: `v` on the row-th 差评 until its verify dialog is open; its id."""
    from textual.widgets import DataTable

    from screens.ratings.detail import RatingDetailScreen
    from screens.ratings.review_queue import BadQueueScreen

    queue = app.screen
    assert isinstance(queue, BadQueueScreen)
    table = queue.query_one("#queue-table", DataTable)
    table.focus()
    table.move_cursor(row=row)
    target = queue.ratings[row].id
    await pilot.press("v")
    await until(pilot, lambda: isinstance(app.screen, RatingDetailScreen), "verify dialog")
    return target


_LINE = re.compile(r'<text[^>]*\by="([0-9.]+)"[^>]*>([^<]*)</text>')


def screen_lines(app: Any) -> list[str]:
    """The screen as text, line by line (from the App's own SVG screenshot)."""
    rows: dict[float, str] = {}
    for y, text in _LINE.findall(app.export_screenshot()):
        rows[float(y)] = rows.get(float(y), "") + html.unescape(text).replace("\xa0", " ")
    return [rows[y] for y in sorted(rows)]
