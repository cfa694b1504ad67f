"""How the App says a failed request or a failed worker: one clear notice, the session kept.

Every worker posts its `CentralError` as `ApiFailed` (screens.failures.reports_failure); the
handler here turns it into the one notice, marks the connection offline, and sends an expired
sign-in back to the login form. Mixed into the App (counter.app.CounterApp).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.worker import WorkerFailed

from client.errors import AuthExpired, CentralError, Unreachable
from counter.core.i18n import t
from screens.errors import describe
from screens.messages import ApiFailed

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

    def central_answered(self) -> None:
        """A request went through: "offline" (set by a failed request) no longer holds."""
        self._last_background_error = None
        if self.session.connection == "offline":
            self.session.connection = self._stream_state

    def on_api_failed(self, message: ApiFailed) -> None:
        error = message.error
        if isinstance(error, AuthExpired):
            self.sign_in_again(restoring=message.action == "restore")
            return
        if message.action == "restore":
            return  # a saved token that does not work: the login form is already shown
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

    def _handle_exception(self, error: Exception) -> None:
        """A worker that failed unexpectedly must not end the session: the clerk may be in the
        middle of a case. Say it in one sentence and carry on; anything else Textual handles
        as usual.

        Why an override: Textual hands every failed worker started with exit_on_error=True to
        this method and nowhere else. Its public alternative, exit_on_error=False plus a
        Worker.StateChanged handler, does not bubble, so it would need a handler on every
        screen and widget that starts a worker, and a class that forgot one would lose the
        failure silently. Workers with exit_on_error=False are said by
        screens.worker_errors.SaysWorkerErrors instead."""
        if isinstance(error, WorkerFailed) and not isinstance(error.error, CentralError):
            self.log.error("worker failed", error.error)
            name = type(error.error).__name__
            self.notify(t("app.unexpected", error=name), severity="error", markup=False)
            return
        super()._handle_exception(error)
