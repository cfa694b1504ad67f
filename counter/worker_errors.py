"""How the App says a failed request: one clear notice, the session kept.

Every worker posts its `CentralError` as `ApiFailed` (screens.failures.reports_failure); the
handler here turns it into the one notice, marks the connection offline, and sends an expired
sign-in back to the login form. Mixed into the App (counter.app.CounterApp).

A worker that fails for any other reason (a bug) is said by screens.worker_errors
(SaysWorkerErrors): every worker runs with exit_on_error=False, so none ends the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App

from client.errors import AuthExpired, Timeout, Unreachable
from counter.core.i18n import t
from screens.errors import describe
from screens.messages import ApiFailed
from screens.text import clean

if TYPE_CHECKING:
    from client.api import CentralClient
    from client.live import ConnectionState
    from counter.core.session import Session


class SaysFailures(App[None]):
    client: CentralClient
    session: Session
    # The last background failure said (each kind once); what the live stream last said.
    _last_background_error: str | None
    _stream_state: ConnectionState

    if TYPE_CHECKING:  # the App's own (counter.app, counter.sign_in)

        def redraw(self) -> None: ...

        def sign_in_again(self, *, restoring: bool) -> None: ...

        def kept_start_failed(self, sentence: str) -> bool: ...

    def central_answered(self) -> None:
        """A request went through: "offline" (set by a failed request) no longer holds."""
        self._last_background_error = None
        if self.session.connection == "offline":
            self.session.connection = self._stream_state

    def restore_failed(self, sentence: str) -> None:
        """A kept sign-in that does not hold: the kept counter gives way to the login form
        saying why; a login form shown already says it (it came up without a word)."""
        if self.kept_start_failed(sentence):
            return
        from screens.login import LoginScreen

        if isinstance(self.screen, LoginScreen):
            self.screen.say_why(sentence)

    def on_api_failed(self, message: ApiFailed) -> None:
        error = message.error
        if isinstance(error, AuthExpired):
            self.sign_in_again(restoring=message.action == "restore")
            return
        if message.action == "restore":
            # A saved token that cannot be checked: the login form is shown already, or
            # replaces the kept counter now (counter.kept_counter), saying why.
            if isinstance(error, (Unreachable, Timeout)):
                self.restore_failed(t("login.unchecked", url=clean(self.client.base_url)))
            else:
                self.restore_failed(describe(error, self.client.base_url))
            return
        if isinstance(error, Unreachable):
            self.session.connection = "offline"
        text = describe(error, self.client.base_url)
        if message.quiet:
            # Background re-fetches retry on the next event: say each kind of failure once.
            if error.code == self._last_background_error:
                return
            self._last_background_error = error.code
        self.notify(text, severity="error", markup=False, timeout=8)
        self.redraw()
