"""The counter terminal driven by keys (Textual Pilot) against the real central API in-process."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.app import make_app
from counter.core.config import Config
from screens.counter import CounterScreen
from screens.help import HelpScreen
from screens.login import LoginScreen
from screens.pause_reason import PauseReasonScreen
from screens.sign_on import SignOnScreen
from screens.widgets.big_number import BigNumber
from tests.pilot import SIZE, build, issue, sign_in, until


def ticket_row(db_path: Path, number: str) -> tuple[str, int | None]:
    with sqlite3.connect(db_path) as db:
        row = db.execute(
            "SELECT status, window_no FROM tickets WHERE number = ?", (number,)
        ).fetchone()
    assert row is not None, number
    return row[0], row[1]


async def test_call_start_finish_call(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    first, second = await issue(make_client, "A", "A")
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        assert app.session.window is not None and app.session.window.status == "idle"

        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        assert app.session.current is not None and app.session.current.number == first
        await until(pilot, lambda: screen.query_one(BigNumber).value == first, "the big number")
        assert ticket_row(db_path, first) == ("called", 5)

        await pilot.press("enter")  # the citizen is at the window: start service
        await until(
            pilot,
            lambda: app.session.current is not None and app.session.current.status == "serving",
            "service to start",
        )
        await pilot.press("f8")
        await until(pilot, lambda: app.session.current is None, "the finish")
        assert ticket_row(db_path, first)[0] == "done"

        await pilot.press("f2")
        await until(
            pilot,
            lambda: app.session.current is not None and app.session.current.number == second,
            "the next call",
        )
        await until(pilot, lambda: app.session.served_today == 1, "served today")
        assert ticket_row(db_path, second) == ("called", 5)
        await until(pilot, lambda: screen.query_one(BigNumber).value == second, "the big number")


async def test_finish_is_greyed_out_when_nothing_is_served(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    (first,) = await issue(make_client, "A")
    app = build(terminal_client, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        # Idle: finish does not apply: greyed (None) where the footer has room, else left out
        # (in English at 120 columns "F12 My escalations" takes the room), never enabled.
        assert screen.applies("finish") is None
        footer = {b.binding.action: b.enabled for b in screen.active_bindings.values()}
        assert footer.get("finish", False) is False and footer["call_next"] is True
        assert "start" not in footer  # Enter only appears for a called ticket
        await pilot.press("f8")
        await pilot.pause(0.1)
        assert ticket_row(db_path, first) == ("waiting", None)

        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        # Called, not yet serving: finish and call-next do not apply (greyed where the footer
        # has room for them, else left out of it), start does.
        assert screen.applies("finish") is None
        assert screen.applies("call_next") is None
        assert screen.check_action("start", ()) is True
        assert screen.check_action("finish", ()) is not True
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.05)
        assert screen.applies("finish") is None
        assert screen.check_action("finish", ()) is not True


async def test_pause_asks_a_reason_then_resume(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    await issue(make_client, "A")
    app = build(terminal_client, clock, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, PauseReasonScreen), "the reason")
        await pilot.press("escape")  # thought better of it: nothing happens
        await pilot.pause(0.05)
        assert isinstance(app.screen, CounterScreen) and not app.session.paused

        await pilot.press("p")  # the letter key does the same as F10
        await until(pilot, lambda: isinstance(app.screen, PauseReasonScreen), "the reason")
        await pilot.press("2")  # 培训
        await until(pilot, lambda: app.session.paused, "the pause")
        window = await terminal_client.window(5)
        assert window.status == "paused" and window.pause_reason == "training"
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        assert not screen.check_action("call_next", ())
        info = str(screen.query_one("#ticket-info").content)  # type: ignore[attr-defined]
        assert "培训" in info

        await pilot.press("f10")  # resume: no question asked
        await until(pilot, lambda: not app.session.paused, "the resume")
        assert (await terminal_client.window(5)).status == "idle"


async def test_hold_call_back_and_transfer(
    terminal_client: CentralClient, make_client: Any, clock: Any, db_path: Path
) -> None:
    first, second = await issue(make_client, "A", "A")
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call")
        await pilot.press("space")  # space starts service too
        await until(pilot, lambda: app.session.can("hold"), "service")
        await pilot.press("f7")
        await until(pilot, lambda: len(app.session.held) == 1, "the hold")
        assert ticket_row(db_path, first)[0] == "held"
        today = str(app.screen.query_one("TodayPanel").content)  # type: ignore[attr-defined]
        assert first in today

        await pilot.press("h")  # call back the held ticket
        await until(pilot, lambda: not app.session.held, "the call back")
        assert ticket_row(db_path, first) == ("serving", 5)

        await pilot.press("f6")
        await until(pilot, lambda: app.screen.__class__.__name__ == "TransferScreen", "picker")
        await pilot.press("enter")  # the first target: queue B
        await until(pilot, lambda: app.session.current is None, "the transfer")
        with sqlite3.connect(db_path) as db:
            status, queue = db.execute(
                "SELECT status, queue_prefix FROM tickets WHERE number = ?", (first,)
            ).fetchone()
        assert (status, queue) == ("waiting", "B")
        assert ticket_row(db_path, second) == ("waiting", None)


async def test_wrong_password_is_said_at_the_form(
    terminal_client: CentralClient, clock: Any
) -> None:
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LoginScreen), "the login screen")
        await pilot.press(*"1005", "enter", *"wrong", "enter")
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        error = screen.query_one("#login-error")
        await until(pilot, lambda: "Wrong" in str(error.content), "the error")  # type: ignore[attr-defined]
        assert str(error.content) == "Wrong staff number or password."  # type: ignore[attr-defined]
        assert screen.query_one("#password").value == ""  # type: ignore[attr-defined]


async def test_token_saved_never_the_password_and_reused(
    terminal_client: CentralClient, central_app: Any, clock: Any
) -> None:
    from counter.core.credentials import TokenStore

    store = TokenStore(use_keyring=False)
    store.note = "credentials.in_memory"  # as on a machine without a keyring backend
    config = Config(central_url="http://central.test", lang="en", window=5)
    app = make_app(
        client=terminal_client,
        config=config,
        token_store=store,
        login_as=("1005", "counter"),
        clock=clock,
    )
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SignOnScreen), "sign-on after login_as")
        await until(pilot, lambda: bool(app.screen.query("#windows")), "the windows listed")
        await until(
            pilot, lambda: store.load("http://central.test", now=clock()) is not None, "the save"
        )
        assert app.token_note is not None  # no keyring: the in-memory notice is known
    cached = store.load("http://central.test", now=clock())
    assert cached is not None and cached.staff_no == "1005"
    assert "counter" not in repr(store._memory)  # the password is not kept

    # Next start: the cached token skips the login form.
    client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    again = make_app(client=client, config=config, token_store=store, clock=clock)
    async with again.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(again.screen, SignOnScreen), "restored sign-in")
        assert again.session.staff is not None and again.session.staff.staff_no == "1005"
    await client.aclose()


async def test_help_lists_the_keys_of_the_screen(
    terminal_client: CentralClient, make_client: Any, clock: Any
) -> None:
    await issue(make_client, "A")
    app = build(terminal_client, clock, keys={"call_next": "f2,j"})
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        from screens.help import key_rows

        rows = {description: keys for keys, description, *_ in key_rows(app.screen_stack[-2])}
        assert rows["Call next"] == "F2 / j"  # the keymap from the config applies
        assert rows["Finish"] == "F8 / f"
        await pilot.press("escape")
        await pilot.press("j")
        await until(pilot, lambda: app.session.current is not None, "the call by j")


async def test_an_unexpected_failure_is_said_and_the_screen_kept(
    terminal_client: CentralClient, make_client: Any, clock: Any, monkeypatch: Any
) -> None:
    """A bug behind a worker must not leave a panel "loading…" for ever without a word."""
    await issue(make_client, "A")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("not a network failure")

    monkeypatch.setattr(terminal_client, "rating_tally", broken)
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        await until(
            pilot,
            lambda: any("RuntimeError" in str(n.message) for n in app._notifications),
            "the notice about the failed tally",
        )
        assert isinstance(app.screen, CounterScreen)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "the call still working")


async def test_a_failing_action_worker_does_not_end_the_session(
    terminal_client: CentralClient, make_client: Any, clock: Any, monkeypatch: Any
) -> None:
    """Workers that exit the app on error would lose the clerk's screen: they are said instead."""
    await issue(make_client, "A")
    app = build(terminal_client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        real = terminal_client.call_next

        async def broken(no: int) -> Any:
            raise ValueError("a bug, not the network")

        monkeypatch.setattr(terminal_client, "call_next", broken)
        await pilot.press("f2")
        await until(
            pilot,
            lambda: any("ValueError" in str(n.message) for n in app._notifications),
            "the notice about the failed call",
        )
        assert app.is_running and isinstance(app.screen, CounterScreen)
        monkeypatch.setattr(terminal_client, "call_next", real)
        await pilot.press("f2")
        await until(pilot, lambda: app.session.current is not None, "calling again")
