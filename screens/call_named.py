"""叫指定号: call one named ticket out of call order — a waiting one, or one that missed its call
and came back. The clerk types the number and why; the reason goes into the audit trail.

The dialog sends the call itself, so a refusal is said here with the typed text kept.
"""

from __future__ import annotations

import re

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from client.errors import CentralError
from client.models import Ticket
from counter.core.i18n import t
from screens.context import host
from screens.errors import describe
from screens.keys import bindings, localized
from screens.text import plain
from screens.worker_errors import SaysWorkerErrors

# A queue letter and the day's sequence, as printed on the ticket (A012).
NUMBER = re.compile(r"[A-Z][0-9]{1,4}")
REASON_MAX = 200


class CallNamedScreen(SaysWorkerErrors, ModalScreen[Ticket | None]):
    """Dismisses with the called ticket, or None (Esc)."""

    CSS_PATH = "modal.tcss"
    BINDINGS = bindings("call_named")

    def __init__(self, window_no: int) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.window_no = window_no
        self.sending = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("call_named.title", window=self.window_no), classes="dialog-title")
            yield Static(t("call_named.number"))
            yield Input(placeholder="A012", max_length=8, id="call-named-number")
            yield Static(t("call_named.reason"))
            yield Input(
                placeholder=t("call_named.reason_hint"),
                max_length=REASON_MAX,
                id="call-named-reason",
            )
            yield Static("", id="call-named-error")
            yield Static(t("call_named.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#call-named-number", Input).focus()

    def _say(self, text: str) -> None:
        self.query_one("#call-named-error", Static).update(plain(text))

    @on(Input.Submitted, "#call-named-number")
    def number_given(self, event: Input.Submitted) -> None:
        event.stop()
        if self._number() is None:
            self._say(t("call_named.bad_number"))
            return
        self._say("")
        self.query_one("#call-named-reason", Input).focus()

    @on(Input.Submitted, "#call-named-reason")
    def reason_given(self, event: Input.Submitted) -> None:
        event.stop()
        number, reason = self._number(), event.value.strip()
        if number is None:
            self._say(t("call_named.bad_number"))
            self.query_one("#call-named-number", Input).focus()
        elif not reason:
            self._say(t("call_named.no_reason"))
        elif not self.sending:
            self.sending = True
            self._say(t("call_named.calling", number=number))
            self.send(number, reason)

    def _number(self) -> str | None:
        value = self.query_one("#call-named-number", Input).value.strip().upper()
        return value if NUMBER.fullmatch(value) else None

    @work(exclusive=True, group="call_named", exit_on_error=False)
    async def send(self, number: str, reason: str) -> None:
        app = host(self.app)
        try:
            ticket = await app.client.call_ticket(self.window_no, number=number, reason=reason)
        except CentralError as error:
            self.sending = False
            self._say(describe(error, app.client.base_url))
            return
        self.dismiss(ticket)

    def action_cancel(self) -> None:
        self.dismiss(None)
