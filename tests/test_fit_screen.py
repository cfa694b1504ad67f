"""The clerk's screens fit the terminal (issue 9, item 9), at 80×24 and 120×40, zh and en:
the footer ends with a whole key and uses a wide line; the intake's tables size their columns
to the language's full words and widen with the terminal; a date in a notice never breaks
across lines; an escalation's whole description can be read."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.widgets import DataTable, Static
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.escalation_models import EscalationRequest
from counter.app import CounterApp, make_app
from counter.core.config import Config
from counter.core.i18n import t, tn
from screens.escalation.detail import EscalationDetailScreen
from screens.escalation.hooks import open_escalations
from screens.escalation.ledger import LedgerScreen
from screens.intake import IntakeScreen, open_intake
from screens.intake.documents import wrap
from screens.pause_reason import PauseReasonScreen
from screens.supervisor.board import HallBoardScreen
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.fitted_table import Col, widths
from tests.pilot import build, issue, sign_in, until

WIDE = (120, 40)
NARROW = (80, 24)


def footer_line(app: CounterApp) -> tuple[str, int]:
    """The footer's keys as they read, and the cells they take (one column between keys)."""
    footer = app.screen.query_one(FittedFooter)
    keys = list(footer.query(FooterKey))
    text = " ".join(f"{k.key_display} {k.description}" for k in keys)
    return text, sum(cell_len(k.key_display) + 1 + cell_len(k.description) + 1 for k in keys)


async def serving(pilot: Any, app: CounterApp, make_client: Any) -> None:
    """Signed on at window 5 with a ticket called. The ticket is issued once the counter
    shows its queues, and called once the queue shows it waiting."""
    await sign_in(pilot, app)
    await issue(make_client, "A")
    await until(pilot, lambda: any(q.prefix == "A" and q.waiting for q in app.session.queues), "A")
    await pilot.press("f2")
    await until(pilot, lambda: app.session.current is not None, "the call")


def footer_lines(app: CounterApp) -> list[tuple[str, int]]:
    """Each footer line as it reads, and the cells it takes (one column between keys)."""
    lines: dict[int, list[FooterKey]] = {}
    for key in app.screen.query_one(FittedFooter).query(FooterKey):
        lines.setdefault(key.region.y, []).append(key)
    return [
        (
            " ".join(f"{k.key_display} {k.description}" for k in keys),
            sum(cell_len(k.key_display) + 1 + cell_len(k.description) + 1 for k in keys),
        )
        for _y, keys in sorted(lines.items())
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_counter_footer_ends_with_a_whole_key(
    terminal_client: CentralClient, make_client: Any, clock: Any, lang: str
) -> None:
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=NARROW) as pilot:
        await serving(pilot, app, make_client)
        help_key = f"F1 {t('keys.help')}"
        # A called ticket: more keys apply than one line of 80 columns holds: a second line.
        await until(pilot, lambda: footer_lines(app)[-1][0].endswith(help_key), "F1 at the end")
        narrow = footer_lines(app)
        assert all(cells <= 80 for _text, cells in narrow), narrow

        await pilot.resize_terminal(*WIDE)
        # Wider: keys that do not apply join, greyed, as long as the lines have room.
        every = f"F12 {t('keys.my_escalations')}"  # the last key, whole (was "F12 Led")
        await until(pilot, lambda: every in " ".join(t for t, _c in footer_lines(app)), "F12")
        await until(pilot, lambda: footer_lines(app)[-1][0].endswith(help_key), "F1 at the end")
        wide = footer_lines(app)
        assert all(cells <= 120 for _text, cells in wide), wide
        assert len(wide) <= len(narrow), wide  # never more lines for more room


async def intake_at_checklist(pilot: Any, app: CounterApp, make_client: Any) -> IntakeScreen:
    await serving(pilot, app, make_client)
    await pilot.press("enter")
    await until(pilot, lambda: app.session.can("finish"), "service")
    open_intake(app)
    await until(pilot, lambda: isinstance(app.screen, IntakeScreen), "the intake")
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    await until(pilot, lambda: bool(screen.loaded), "the catalog")
    await pilot.press(*"BDC-002", "enter")
    await until(pilot, lambda: screen.state.step == "applicant", "the applicant step")
    await pilot.press(*"张三", "tab", "tab", *"11010519491231002X", "tab", *"13800138000")
    await pilot.press("enter")
    await until(pilot, lambda: screen.state.step == "checklist", "the checklist")
    table = screen.query_one("#materials", DataTable)
    await until(pilot, lambda: table.row_count > 0, "the materials")
    return screen


def column_widths(table: DataTable[Any]) -> dict[str, int]:
    return {str(key.value): column.width for key, column in table.columns.items()}


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_checklist_says_full_words_and_widens(
    terminal_client: CentralClient, make_client: Any, clock: Any, lang: str
) -> None:
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=NARROW) as pilot:
        screen = await intake_at_checklist(pilot, app, make_client)
        table = screen.query_one("#materials", DataTable)
        narrow = column_widths(table)
        words = {
            "form": [t(f"intake.form.{f}") for f in ("original", "copy", "original_and_copy")],
            "state": [t("intake.state.was_missing"), t("intake.state.received")],
            "required": [t("intake.checklist.required"), t("intake.checklist.optional")],
        }
        for key, texts in words.items():
            assert narrow[key] >= max(cell_len(x) for x in texts), (key, narrow)
        # Every cell of the table shows whole: its column is as wide as its text.
        for row in range(table.row_count):
            for key in ("state", "form", "required"):
                cell = table.get_cell_at((row, list(narrow).index(key)))
                assert cell_len(str(cell)) <= narrow[key], (key, cell)
        # The columns fill the table's width, without spilling over it.
        room = table.size.width - table.styles.scrollbar_size_vertical
        assert room - 1 <= sum(w + 2 for w in narrow.values()) <= room

        await pilot.resize_terminal(*WIDE)
        await until(pilot, lambda: column_widths(table)["material"] > narrow["material"], "wider")
        wide = column_widths(table)
        assert wide["form"] == narrow["form"]  # fitted columns keep their width
        room = table.size.width - table.styles.scrollbar_size_vertical
        assert room - 1 <= sum(w + 2 for w in wide.values()) <= room
        assert table.row_count > 0  # the rows were laid out again, not lost


def footer_keys(app: CounterApp) -> list[tuple[str, str, bool]]:
    """The footer's keys: key, description, and whether it applies (not greyed)."""
    keys = app.screen.query_one(FittedFooter).query(FooterKey)
    return [(k.key, k.description, not k.has_class("-disabled")) for k in keys]


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_checklist_footer_keeps_the_keys_the_work_needs(
    terminal_client: CentralClient, make_client: Any, clock: Any, lang: str
) -> None:
    # At 80 columns more checklist keys apply than fit: Enter on, Esc back, the four marks
    # (容缺 where the guide allows it), F9 and F1 stay; n, ctrl+a and v give way (F1 lists them).
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=NARROW) as pilot:
        screen = await intake_at_checklist(pilot, app, make_client)
        needed = [
            ("enter", "keys.intake_next"),
            ("escape", "keys.intake_back"),
            ("r", "keys.intake_received"),
            ("m", "keys.intake_missing"),
            ("f", "keys.intake_flawed"),
            ("f9", "keys.escalate"),
            ("f1", "keys.help"),
        ]
        shown = [(key, t(description), True) for key, description in needed]
        # The first material may not be 容缺: c is greyed or left out, never shown as applying.
        tolerated = ("c", t("keys.intake_tolerated"), True)
        await until(
            pilot,
            lambda: set(shown) <= set(footer_keys(app)) and tolerated not in footer_keys(app),
            "the checklist's keys for its first material",
        )
        assert footer_line(app)[1] <= 80, footer_line(app)[0]

        # 婚姻状况证明 (the sixth) may be missing at acceptance: c applies, and still all fit.
        await pilot.press(*["down"] * 5)
        await until(pilot, lambda: tolerated in footer_keys(app), "c on a 容缺 material")
        assert set(shown) <= set(footer_keys(app)), footer_line(app)[0]
        assert footer_line(app)[1] <= 80, footer_line(app)[0]

        # Enter, shown as the step's, still goes on to the decision.
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.step == "decision", "the decision step")


def test_english_intake_words_are_not_shortened() -> None:
    from counter.core.i18n import set_language

    set_language("en")
    try:
        assert tn("intake.search.days", 3) == "3 working days"
        assert t("intake.form.original_and_copy") == "original + copy"
        assert t("intake.state.was_missing") == "was missing"
    finally:
        set_language("en")


def test_share_columns_take_what_the_fitted_ones_leave() -> None:
    cols = [
        Col("form", "Form", fits=("original + copy", "copy")),
        Col("name", "Material", share=3, least=10),
        Col("note", "Note", share=1, least=6),
    ]
    laid = widths(cols, 78)
    assert laid["form"] == len("original + copy")
    assert sum(laid.values()) + 2 * len(cols) == 78
    assert laid["name"] > laid["note"]
    cramped = widths(cols, 30)  # never narrower than `least`: the table scrolls instead
    assert cramped["name"] == 10 and cramped["note"] == 6


DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def test_a_date_in_a_notice_never_breaks_across_lines() -> None:
    said = "你（单位）提交的申请材料齐全、符合法定形式，本机关于2026年11月30日予以受理。"
    for width in range(14, 70):
        lines = wrap(said, width)
        assert "".join(lines) == said, width  # nothing lost or added
        assert all(cell_len(line) <= width for line in lines), width
        assert any(DATE.search(line) for line in lines), (width, lines)  # whole on one line
        assert not any(line.startswith(("，", "。", "、")) for line in lines), (width, lines)


LONG = (
    "申请人于今年三月提交不动产转移登记材料，窗口称需补充村委会证明，补交后又被告知需公证，" * 12
    + "最后一句在这里结束。"
)


def shown_text(static: Static, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    with console.capture() as captured:
        console.print(static.content)
    return captured.get()


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_whole_escalation_description_can_be_read(
    central_app: Any, terminal_client: CentralClient, clock: Any, lang: str
) -> None:
    clerk = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    await clerk.login("1001", "counter")
    request = {"reporter": {"name": "李建华", "phone": "13900139000"}, "category": "complex"}
    await clerk.create_escalation(
        EscalationRequest.model_validate({**request, "description": LONG})
    )
    await clerk.aclose()
    config = Config(central_url="http://central.test", lang=lang)
    app = make_app(client=terminal_client, config=config, clock=clock, login_as=("2001", "counter"))
    async with app.run_test(size=NARROW) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HallBoardScreen), "the hall board")
        open_escalations(app)
        await until(
            pilot, lambda: isinstance(app.screen, LedgerScreen) and app.screen.loaded, "ledger"
        )
        await pilot.press("enter")  # the ledger's row opens the escalation
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, EscalationDetailScreen) and app.screen.escalation is not None
            ),
            "the escalation",
        )
        detail = app.screen
        fields = detail.query_one("#detail-fields", Static)
        text = shown_text(fields, fields.size.width)
        assert "…" not in text
        assert re.sub(r"\s+", "", LONG) in re.sub(r"\s+", "", text)  # every character, wrapped
        # Longer than the screen: the body has the keys, and the end can be scrolled to.
        body = detail.query_one("#detail-body")
        assert app.focused is body
        await pilot.press("end")
        await until(pilot, lambda: body.scroll_y > 0, "scrolled to the end")


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_a_notice_never_hides_the_dialog(
    terminal_client: CentralClient, clock: Any, size: tuple[int, int]
) -> None:
    app = build(terminal_client, clock, lang="zh")
    async with app.run_test(size=size, notifications=True) as pilot:  # tests hide them else
        await sign_in(pilot, app)
        await pilot.press("f10")  # pause: the reason dialog
        await until(pilot, lambda: isinstance(app.screen, PauseReasonScreen), "the dialog")
        dialog = app.screen.query_one(".dialog")
        app.notify("号票 A001 已转移到 B 队列等候，请告知群众留意叫号屏。" * 2, markup=False)
        app.notify(t("why_not.paused", key="F10"), severity="warning", markup=False)
        await until(pilot, lambda: len(app.screen.query(Toast)) >= 2, "the notices")
        await until(pilot, lambda: all(toast.region for toast in app.screen.query(Toast)), "laid")
        for toast in app.screen.query(Toast):
            assert not toast.region.overlaps(dialog.region), (toast.region, dialog.region)
        assert dialog.region.height >= 6  # the dialog is still whole: title, reasons, hint
        assert app.screen.region.contains_region(dialog.region)
