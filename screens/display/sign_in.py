"""Asks once for the display's device account and password (when the config has none)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from counter.core.i18n import t


class DeviceSignIn(Screen[None]):
    DEFAULT_CSS = """
    DeviceSignIn { align: center middle; }
    #device-box { width: 60; height: auto; border: round $accent; padding: 1 2; }
    #device-error { height: auto; text-style: bold; }
    """

    class Submitted(Message):
        def __init__(self, account: str, password: str) -> None:
            super().__init__()
            self.account = account
            self.password = password

    def __init__(self, account: str | None) -> None:
        super().__init__()
        self.account = account or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="device-box"):
            yield Static(t("display.sign_in_title"))
            yield Input(self.account, placeholder=t("display.account"), id="device-account")
            yield Input(placeholder=t("display.password"), password=True, id="device-password")
            yield Static("", id="device-error")
            yield Static(t("display.sign_in_hint"))

    def on_mount(self) -> None:
        target = "#device-password" if self.account else "#device-account"
        self.query_one(target, Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "device-account":
            self.query_one("#device-password", Input).focus()
            return
        account = self.query_one("#device-account", Input).value.strip()
        password = self.query_one("#device-password", Input).value
        if account and password:
            self.say(t("display.signing_in"))
            self.post_message(self.Submitted(account, password))

    def say(self, text: str) -> None:
        self.query_one("#device-error", Static).update(text)
        self.query_one("#device-password", Input).value = (
            ""
            if text != t("display.signing_in")
            else self.query_one("#device-password", Input).value
        )
