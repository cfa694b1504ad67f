"""Starting on the counter screen as the clerk left it, while the token check runs.

With a counter kept for this central (counter.core.hall_cache), the start paints no login
form: it waits for the keyring on the blank default screen (some milliseconds with the
remembered backend), and when the kept token's clerk has a counter kept here, shows it at
once, marked as not yet current and its keys greyed, while the token check and the first
fetch run; the central's answer replaces it. No token, an expired one, or a clerk with no
counter kept here: the login form, as on any start. A token the central refuses, or a central
that cannot be reached: the login form with one sentence saying why, the staff number filled.
Only the token's own clerk's counter of this central is ever shown.
Mixed into the App (counter.app.CounterApp).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import App

from counter.core import hall_cache
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:
    from client.models import Hall, QueuesResponse, Staff, Window
    from counter.core.config import Config
    from counter.core.credentials import TokenStore
    from counter.core.session import Session

# How often, at most, the counter on screen is written to the cache while the clerk works.
KEEP_EVERY = timedelta(seconds=60)


class KeptCounter(SaysWorkerErrors, App[None]):
    session: Session
    config: Config
    token_store: TokenStore | None
    login_as: tuple[str, str] | None
    # A start waiting for the token with no login form: the staff number of the token once
    # known ("" before), until the central answers (then None).
    _kept_start: str | None = None
    # Mounting the kept counter: the login form, if it must replace it, waits for that.
    _kept_mount: Awaitable[Any] | None = None
    _kept_at: datetime | None = None

    if TYPE_CHECKING:  # the App's own (counter.app, counter.sign_in)

        @property
        def token_key(self) -> str: ...

        @property
        def is_demo(self) -> bool: ...

        def now(self) -> datetime: ...

    def start_without_login(self) -> bool:
        """At mount: a counter is kept for this central, so wait for the token (the default
        screen, blank) instead of painting the login form (True); otherwise False (a first
        start, the demo, a login given on the command line)."""
        if self.token_store is None or self.login_as is not None or self.is_demo:
            return False
        if not hall_cache.kept_for(self.token_key):
            return False
        self._kept_start = ""
        return True

    def token_for_kept_counter(self, staff_no: str | None) -> None:
        """The keyring answered: the staff number of a usable token, or None. That clerk's
        kept counter at once; otherwise the login form, as on any start."""
        if self._kept_start != "":
            return
        kept = hall_cache.load(self.token_key, staff_no) if staff_no is not None else None
        if kept is None or not self._show_kept(kept):
            from screens.login import LoginScreen

            self._kept_start = None
            self.push_screen(LoginScreen())
            return
        self._kept_start = staff_no

    def _show_kept(self, kept: dict[str, Any]) -> bool:
        from client.wire_view import WireView
        from screens.counter import CounterScreen

        def view(part: str) -> Any:
            return WireView(kept[part])

        window = cast("Window", view("window"))
        if window.status == "signed_off" or window.staff_no != kept["staff_no"]:
            return False
        self.session.show_cached(
            cast("Staff", view("me")),
            cast("Hall", view("hall")),
            window,
            cast("QueuesResponse", view("queues")),
            kept["saved_at"],
        )
        self._kept_mount = self.push_screen(CounterScreen())
        return True

    def after_kept_paint(self, callback: Callable[..., object], *args: Any) -> None:
        """`callback(*args)` once the kept counter is on the terminal (at once on any other
        start): the token check's first request imports httpx, which would hold the paint."""
        mounting = self._kept_mount
        if mounting is None:
            callback(*args)
            return

        async def then() -> None:
            await mounting
            self.screen.call_after_refresh(callback, *args)
            self.screen.refresh()  # (had the screen painted already: a next refresh, at once)

        self.run_worker(then(), group="kept-start", exit_on_error=False)

    def kept_start_over(self) -> None:
        """The central answered the token check: the kept counter is replaced from here on."""
        self._kept_start = None
        self.session.cached_at = None

    def kept_start_failed(self, sentence: str) -> bool:
        """The start painted no login form and the token does not hold: the login form now,
        the staff number filled and `sentence` saying why (True); False on any other start."""
        if self._kept_start is None:
            return False
        from screens.login import LoginScreen

        staff_no = self._kept_start
        self._kept_start = None
        session = self.session
        session.cached_at = None
        # Nothing of the kept picture stays behind the form (the next sign-in reads it fresh).
        session.staff = session.hall = session.window = None
        session.window_no = None
        session.queues, session.held = [], []
        form = LoginScreen(staff_no=staff_no, notice=sentence)
        mounting, self._kept_mount = self._kept_mount, None

        async def replace_kept() -> None:
            if mounting is not None:
                await mounting  # switching away from a screen still mounting breaks both
            self.switch_screen(form)

        self.run_worker(replace_kept(), group="kept-start", exit_on_error=False)
        return True

    # --- keeping it for the next start ------------------------------------------------------

    def keep_counter(self, *, now: bool = False) -> None:
        """After a redraw: the clerk's counter as it stands, written at most every KEEP_EVERY
        (`now`: at once, e.g. when quitting); forgotten when the window is signed off."""
        session = self.session
        if self.token_store is None or self.is_demo or session.cached_at is not None:
            return
        staff, window = session.staff, session.window
        if staff is None or window is None or session.hall is None or not session.signed_in:
            return
        if window.status == "signed_off":
            if self._kept_at is not None or now:
                self._kept_at = None
                hall_cache.forget(self.token_key, staff.staff_no)
            return
        at = self.now()
        if not now and self._kept_at is not None and at - self._kept_at < KEEP_EVERY:
            return
        self._kept_at = at
        parts = (staff, session.hall, window, list(session.queues), session.queues_as_of)
        if now:
            _write(self.token_key, staff.staff_no, parts, at)
        else:
            self.write_kept(self.token_key, staff.staff_no, parts, at)

    @work(thread=True, exclusive=True, group="hall-cache", exit_on_error=False)
    def write_kept(self, url: str, staff_no: str, parts: tuple[Any, ...], at: datetime) -> None:
        _write(url, staff_no, parts, at)


def _write(url: str, staff_no: str, parts: tuple[Any, ...], at: datetime) -> None:
    from client.wire_view import data_of

    staff, hall, window, queues, as_of = parts
    record = {
        "me": data_of(staff),
        "hall": data_of(hall),
        "window": data_of(window),
        "queues": {
            "as_of": (as_of or at).isoformat(),
            "queues": [data_of(stats) for stats in queues],
        },
    }
    # A read-only or full cache dir: the next start shows the login form, as before.
    with contextlib.suppress(OSError):
        hall_cache.save(url, staff_no, record, at)
