"""What a user still noticed at the clerk's terminal (issue 9's leftovers), each reproduced:
the pause note shown while paused, F12 named for what it opens, Enter in the intake's first
footers, the ratings tables in words that widen, and every key of a fast burst in its field."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.widgets import Select
from textual.widgets._footer import FooterKey

from client.api import CentralClient
from counter.app import CounterApp
from counter.core.i18n import t
from screens.counter import CounterScreen
from screens.escalation.lists import MyEscalationsScreen
from screens.login import LoginScreen
from screens.pause_reason import PauseNoteScreen, PauseReasonScreen
from screens.ratings.review_queue import BadQueueScreen
from screens.ratings.staff_tally import StaffTallyScreen
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.fitted_table import FittedTable
from tests.hall_data import MONTH_PLAN, client_factory, serve_and_rate
from tests.pilot import (
    build,
    choose_item,
    fill_applicant,
    intake_for_a_served_ticket,
    sign_in,
    text_of,
    until,
)


def footer_line(app: CounterApp) -> str:
    """The footer's keys as they read."""
    keys = app.screen.query_one(FittedFooter).query(FooterKey)
    return " ".join(f"{k.key_display} {k.description}" for k in keys)


@pytest.mark.parametrize(("lang", "size"), [("en", (80, 24)), ("zh", (120, 40))])
async def test_the_pause_note_is_shown_while_paused(
    terminal_client: CentralClient, clock: Any, lang: str, size: tuple[int, int]
) -> None:
    """Paused for "Other" with a note, the counter said only "paused: other": the note the
    clerk typed (what colleagues and the clerk need to know) was nowhere on screen."""
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, PauseReasonScreen), "the reasons")
        await pilot.press("4")  # Other: asks what
        await until(pilot, lambda: isinstance(app.screen, PauseNoteScreen), "the note")
        await pilot.press(*"fire drill", "enter")
        await until(pilot, lambda: app.session.paused, "the pause")
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await until(pilot, lambda: "fire drill" in text_of(screen, "#ticket-info"), "the note")

        await pilot.press("f10")  # resumed: the note goes with the pause
        await until(pilot, lambda: not app.session.paused, "resumed")
        await until(pilot, lambda: "fire drill" not in text_of(screen, "#ticket-info"), "gone")


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_f12_at_the_counter_is_named_for_what_it_opens(
    terminal_client: CentralClient, clock: Any, lang: str
) -> None:
    """A clerk's F12 opens the clerk's own escalations, but the footer called it "Ledger"
    (the hall's ledger is a supervisor's)."""
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app)
        mine = f"F12 {t('keys.my_escalations')}"
        await until(pilot, lambda: mine in footer_line(app), "F12 named for the clerk")
        assert t("keys.escalations") not in footer_line(app)
        await pilot.press("f12")
        await until(pilot, lambda: isinstance(app.screen, MyEscalationsScreen), "my escalations")


@pytest.mark.parametrize("lang", ["en", "zh"])
async def test_the_item_and_applicant_footers_say_what_enter_does(
    terminal_client: CentralClient, make_client: Any, clock: Any, lang: str
) -> None:
    """The item and applicant steps' footers left Enter out (the focused box's own Enter hid
    the step's): a newcomer did not know Enter takes the item and goes on."""
    app = build(terminal_client, clock, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await intake_for_a_served_ticket(pilot, app, make_client)
        take = f"⏎ {t('keys.intake_take')}"
        await until(pilot, lambda: take in footer_line(app), "Enter on the item step")
        await choose_item(pilot, screen, "BDC-002", "BDC-002")  # Enter takes it

        go_on = f"⏎ {t('keys.intake_next')}"
        await until(pilot, lambda: go_on in footer_line(app), "Enter on the applicant step")
        await pilot.press("shift+tab")  # the applicant kind (a list): Enter is the list's
        await until(pilot, lambda: isinstance(app.focused, Select), "on the kind list")
        await until(pilot, lambda: go_on not in footer_line(app), "Enter left to the list")
        await pilot.press("tab")
        await fill_applicant(pilot, screen)  # ends with Enter in the mobile field
        await until(pilot, lambda: screen.state.step == "checklist", "on to the checklist")


def burst(app: CounterApp, keys: list[str]) -> None:
    """Keys as a barcode scanner types them: all sent before the app handles the first."""
    for key in keys:
        char = {"tab": "\t", "enter": "\r"}.get(key, key)
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)


async def test_a_scanners_burst_lands_in_the_fields_it_means(
    terminal_client: CentralClient, clock: Any
) -> None:
    """ "2001⇥counter⏎" in one burst on the login screen put "counter" into the staff number
    field: the Tab moved the focus only after the letters behind it had gone to the old field."""
    app = build(terminal_client, clock, window=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        login = app.screen
        await until(pilot, lambda: app.focused is login.query_one("#staff-no"), "the staff no.")
        burst(app, [*"2001", "tab", *"counter", "enter"])
        await until(
            pilot, lambda: app.session.staff is not None, "signed in as 2001 with the password"
        )
        assert app.session.staff is not None and app.session.staff.staff_no == "2001"
        # The supervisor's board comes up before the app is closed (not half put up).
        await until(pilot, lambda: bool(app.screen.query("#queues")), "the hall board")


def headings(table: FittedTable) -> dict[str, tuple[str, int]]:
    return {str(k.value): (str(c.label), c.width) for k, c in table.columns.items()}


async def test_the_ratings_tables_say_full_words_and_widen(
    central_app: Any, terminal_client: CentralClient, clock: Any
) -> None:
    """The 差评 queue and the staff tally had fixed widths (the right third of a 120-column
    screen empty, comments cut at 22 cells) and en headings like "Lv", "Expl", "Win"."""
    new, _made = client_factory(central_app)
    await serve_and_rate(new, clock, MONTH_PLAN)
    await terminal_client.login("2001", "counter")
    app = build(terminal_client, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        app.push_screen(BadQueueScreen())
        await until(pilot, lambda: isinstance(app.screen, BadQueueScreen), "the queue")
        queue = app.screen
        assert isinstance(queue, BadQueueScreen)
        await until(pilot, lambda: len(queue.ratings) == 4, "four open 差评")
        table = queue.query_one("#queue-table", FittedTable)
        narrow = headings(table)
        assert [narrow[k][0] for k in ("window", "level")] == ["Window", "Level"]
        await pilot.resize_terminal(120, 40)
        await until(pilot, lambda: headings(table)["comment"][1] > narrow["comment"][1], "wider")
        assert sum(w + 2 for _, w in headings(table).values()) > 100  # the width is used

        app.push_screen(StaffTallyScreen())
        await until(pilot, lambda: isinstance(app.screen, StaffTallyScreen), "the staff tally")
        tally = app.screen
        assert isinstance(tally, StaffTallyScreen)
        await until(pilot, lambda: tally.table is not None, "the tally")
        staff = tally.query_one("#staff-table", FittedTable)
        words = [label for label, _ in headings(staff).values()]
        assert {"Staff", "Window", "Satisfied", "Average", "Rectified"} <= set(words)
        assert sum(w + 2 for _, w in headings(staff).values()) > 100
        await pilot.resize_terminal(80, 24)  # and at 80 columns every heading whole, no scroll
        await until(
            pilot,
            lambda: sum(w + 2 for _, w in headings(staff).values()) <= staff.room(),
            "the tally within 80 columns",
        )
        assert {"Staff", "Window", "Satisfied", "Rectified"} <= {
            label for label, _ in headings(staff).values()
        }
