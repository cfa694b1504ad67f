"""Login: staff number + masked password; Enter submits. In demo: the demo accounts to pick."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from client.errors import AuthExpired, Invalid, RateLimited
from counter.core.i18n import t
from screens.context import host
from screens.errors import describe
from screens.failures import reports_failure
from screens.keys import localized
from screens.messages import ApiFailed, LoggedIn
from screens.text import clean, plain
from screens.worker_errors import SaysWorkerErrors


class LoginScreen(SaysWorkerErrors, Screen[None]):
    CSS_PATH = "login.tcss"
    HELP_TOPIC = "login"

    def __init__(
        self,
        *,
        staff_no: str = "",
        password: str = "",
        submit: bool = False,
        relogin: bool = False,
        notice: str = "",
    ) -> None:
        """`notice`: why the form is shown (a kept sign-in that no longer works)."""
        super().__init__()
        self._bindings = localized(self._bindings)
        self._staff_no = staff_no
        self._password = password
        self._submit = submit
        self.relogin = relogin
        self.notice = notice
        self.busy = False

    def compose(self) -> ComposeResult:
        app = host(self.app)
        yield Static(t("login.title"), id="login-title")
        with Vertical(id="login-form") as form:
            form.border_title = t("login.form_title")
            with Horizontal(classes="field"):
                yield Label(t("login.staff_no"))
                yield Input(
                    self._staff_no,
                    placeholder=t("login.staff_no_hint"),
                    id="staff-no",
                    max_length=32,
                )
            with Horizontal(classes="field"):
                yield Label(t("login.password"))
                yield Input(
                    self._password,
                    password=True,
                    id="password",
                    max_length=256,
                )
            note = t("login.relogin") if self.relogin else (app.token_note or "")
            yield Static(plain(note), id="login-note")
            yield Static(plain(self.notice), id="login-error")
            yield Static(t("login.hint"), id="login-hint")
        if app.is_demo:
            table: DataTable[object] = DataTable(
                id="demo-accounts", cursor_type="row", zebra_stripes=False
            )
            table.border_title = t("login.demo_title")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        app = host(self.app)
        for field in self.query(Input):
            field.cursor_blink = False  # no animation: nothing redraws while the clerk is away
        if app.is_demo:
            table = self.query_one("#demo-accounts", DataTable)
            table.add_columns(
                t("login.col_staff_no"),
                t("login.col_name"),
                t("login.col_role"),
                t("login.col_window"),
                t("login.col_password"),
            )
            for account in app.demo_accounts:
                table.add_row(
                    plain(account.staff_no),
                    plain(account.name),
                    t("role." + clean(account.role)),
                    "-" if account.window is None else str(account.window),
                    plain(account.password),
                    key=account.staff_no,
                )
        self.query_one("#staff-no" if not self._staff_no else "#password", Input).focus()
        if self._submit and self._staff_no and self._password:
            self.submit()

    @on(DataTable.RowSelected, "#demo-accounts")
    def pick_account(self, event: DataTable.RowSelected) -> None:
        """A demo account fills the form; Enter in the password field then signs in."""
        for account in host(self.app).demo_accounts:
            if account.staff_no == event.row_key.value:
                self.query_one("#staff-no", Input).value = account.staff_no
                self.query_one("#password", Input).value = account.password
                self.query_one("#password", Input).focus()
                self.show_error("")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "staff-no" and not self.query_one("#password", Input).value:
            self.query_one("#password", Input).focus()
            return
        self.submit()

    def submit(self) -> None:
        staff_no = self.query_one("#staff-no", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not staff_no or not password:
            self.show_error(t("login.missing"))
            self.query_one("#staff-no" if not staff_no else "#password", Input).focus()
            return
        if self.busy:
            return
        self.busy = True
        self.show_error(t("login.signing_in"), error=False)
        self.login(staff_no, password)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def login(self, staff_no: str, password: str) -> None:
        with reports_failure(self, "login"):
            response = await host(self.app).client.login(staff_no, password)
            self.post_message(LoggedIn(response))

    def on_logged_in(self, message: LoggedIn) -> None:
        self.busy = False
        self.query_one("#password", Input).value = ""  # the password is not kept anywhere

    def on_api_failed(self, message: ApiFailed) -> None:
        # Login failures are shown at the form, in one sentence; the App is not bothered.
        if message.action != "login":
            return
        message.stop()
        self.busy = False
        error = message.error
        if isinstance(error, AuthExpired):
            text = t("login.bad_credentials")
        elif isinstance(error, RateLimited):
            text = t("login.rate_limited")
        elif isinstance(error, Invalid):
            text = t("login.invalid")
        else:
            text = describe(error, host(self.app).client.base_url)
        self.show_error(text)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def show_note(self, text: str) -> None:
        """The token store's notice (e.g. no keyring: the sign-in lasts for this run only)."""
        if not self.relogin:
            self.query_one("#login-note", Static).update(plain(text))

    def say_why(self, text: str) -> None:
        """Why the form is shown (a kept sign-in that does not hold), now or once composed."""
        self.notice = text
        if self.query("#login-error"):
            self.show_error(text)

    def show_error(self, text: str, *, error: bool = True) -> None:
        widget = self.query_one("#login-error", Static)
        widget.update(plain(text))
        widget.set_class(not error, "-progress")
