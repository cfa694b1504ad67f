"""Signing the window off (签退): the clerk's own action, and the question on quitting.

Quitting while signed on asks "sign off window N?" with yes as the default, so a window is not
left blocking the next clerk; n quits with the window kept (a short break, a restart). Unfinished
work on screen (an intake, a form) is named in the same dialog. The dialog signs off itself, so
a refusal ("finish A012 first") is said where the clerk is looking.
"""

from __future__ import annotations

from typing import Literal

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from client.errors import CentralError
from counter.core.i18n import t
from screens.context import host
from screens.errors import describe
from screens.keys import bindings, localized
from screens.text import plain
from screens.worker_errors import SaysWorkerErrors

Outcome = Literal["signed_off", "keep"]


class SignOffScreen(SaysWorkerErrors, ModalScreen[Outcome | None]):
    """Dismisses with "signed_off", "keep" (quit, the window stays signed on) or None (stay)."""

    CSS_PATH = "modal.tcss"
    BINDINGS = bindings("sign_off")

    def __init__(self, window_no: int | None, *, quitting: bool, unfinished: list[str]) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.window_no = window_no
        self.quitting = quitting
        self.unfinished = unfinished
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            title = "sign_off.quit_title" if self.quitting else "sign_off.title"
            if self.window_no is None:
                title = "sign_off.quit_only_title"  # not at a window: only the work is at stake
            yield Static(t(title, window=self.window_no), classes="dialog-title")
            for line in self.unfinished:
                yield Static(plain(line), classes="sign-off-unfinished")
            yield Static("", id="sign-off-error")
            hint = "sign_off.quit_hint" if self.quitting else "sign_off.hint"
            if self.window_no is None:
                hint = "sign_off.quit_only_hint"
            yield Static(t(hint), classes="dialog-hint")

    def on_key(self, event: events.Key) -> None:
        if event.key in ("enter", "y"):
            event.stop()
            if self.window_no is None:
                self.dismiss("keep")  # nothing to sign off: quit
            else:
                self.sign_off()
        elif event.key == "n" and self.quitting:
            event.stop()
            self.dismiss("keep")

    @work(exclusive=True, group="sign_off", exit_on_error=False)
    async def sign_off(self) -> None:
        if self.sending or self.window_no is None:
            return
        self.sending = True
        app = host(self.app)
        try:
            window = await app.client.sign_off(self.window_no)
        except CentralError as error:
            self.sending = False
            said = describe(error, app.client.base_url)
            then = t("sign_off.failed_quit") if self.quitting else ""
            self.query_one("#sign-off-error", Static).update(plain(f"{said} {then}".strip()))
            return
        app.session.apply_window(window)
        self.dismiss("signed_off")

    def action_cancel(self) -> None:
        self.dismiss(None)
