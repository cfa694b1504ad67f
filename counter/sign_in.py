"""Signing in at the terminal: the token kept in the keyring, restored at start, saved after a
login, forgotten when it expires — the password never kept. Keyring calls block (D-Bus, a
keychain prompt), so each runs in a thread worker, never on the event loop. Mixed into the App
(counter.app.CounterApp).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App

from counter.core.i18n import has, t
from screens.failures import reports_failure
from screens.login import LoginScreen
from screens.messages import HallLoaded, LoggedIn, TokenLoaded, TokenRestored, TokenSaved
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:
    from collections.abc import Callable

    from client.api import CentralClient
    from counter.core.config import Config
    from counter.core.credentials import CachedToken, TokenStore
    from counter.core.session import Session


class KeepsToken(SaysWorkerErrors, App[None]):
    client: CentralClient
    config: Config
    session: Session
    token_store: TokenStore | None
    _token_note: str | None
    # Signing in again after the token expired: back where the clerk was, nothing reloaded.
    _relogin: bool

    if TYPE_CHECKING:  # the App's own (counter.app)

        def now(self) -> datetime: ...

        def after_sign_in(self) -> None: ...

        def token_for_kept_counter(self, staff_no: str | None) -> None: ...

        def after_kept_paint(self, callback: Callable[..., object], *args: Any) -> None: ...

        def kept_start_failed(self, sentence: str) -> bool: ...

        def restore_failed(self, sentence: str) -> None: ...

    @property
    def token_key(self) -> str:
        """Tokens are kept per central API address."""
        return self.config.central_url or self.client.base_url

    @property
    def token_note(self) -> str | None:
        return self._token_note

    @work(thread=True, group="keyring-load", exit_on_error=False)
    def load_token(self, store: TokenStore, url: str, restore: bool) -> None:
        in_memory = store.in_memory
        cached = store.load(url, now=self.now()) if restore else None
        self.post_message(TokenLoaded(cached, store.note if in_memory else None))

    def on_token_loaded(self, message: TokenLoaded) -> None:
        if message.note and has(message.note):
            self._token_note = t(message.note)
            if isinstance(self.screen, LoginScreen):
                self.screen.show_note(self._token_note)
        cached: CachedToken | None = message.cached
        usable = not (cached is None or self.session.signed_in or cached.expires_at <= self.now())
        # A start on the kept counter (counter.kept_counter): the token must be its clerk's.
        self.token_for_kept_counter(cached.staff_no if cached is not None and usable else None)
        if cached is None or not usable:
            return
        self.client.token = cached.token
        self.after_kept_paint(self.verify_token, cached.token)

    @work(exclusive=True, group="login", exit_on_error=False)
    async def verify_token(self, token: str) -> None:
        with reports_failure(self, "restore", quiet=True):
            # One round trip instead of three: the hall is needed next anyway, and the queue
            # figures too when the clerk is still signed on (a restart): the counter screen
            # then paints complete, not empty first. Read as views (client.wire_view): the
            # wire models and pydantic (a quarter of the start) load after the screen is up.
            staff, hall, queues = await asyncio.gather(
                self.client.me_view(), self.client.hall_view(), self.client.queues_view()
            )
            self.post_message(TokenRestored(staff, token, hall, queues))

    def settle_wire_models(self) -> None:
        """The start's views become the wire models (Session.settle_models); an answer that
        does not fit them is said as any answer this terminal does not understand."""
        from pydantic import ValidationError

        from client.errors import ServerError
        from screens.messages import ApiFailed

        try:
            self.session.settle_models()
        except ValidationError:
            error = ServerError(
                "The central API sent an answer this terminal does not understand; "
                "tell the hall's administrator (the server may be a different version)."
            )
            self.post_message(ApiFailed(error, action="settle"))

    def on_token_restored(self, message: TokenRestored) -> None:
        if self.session.signed_in:
            return
        self.session.signed_in_as(message.staff, message.token)
        if message.hall is not None and not self._relogin:
            self.post_message(HallLoaded(message.hall, message.queues))
            return
        self.after_sign_in()

    def on_logged_in(self, message: LoggedIn) -> None:
        response = message.response
        self.session.signed_in_as(response.staff, response.token, response.expires_at)
        if self.token_store is not None:
            from counter.core.credentials import CachedToken

            cached = CachedToken(response.staff.staff_no, response.token, response.expires_at)
            self.save_token(self.token_store, self.token_key, cached)
        self.after_sign_in()

    @work(thread=True, group="keyring-save", exit_on_error=False)
    def save_token(self, store: TokenStore, url: str, cached: CachedToken) -> None:
        store.save(url, cached)  # the token only: the password never leaves the login form
        from counter.core import hall_cache

        hall_cache.keep_only(url, cached.staff_no)  # no other clerk's counter paints next start
        self.post_message(TokenSaved(not store.in_memory, store.note or ""))

    def on_token_saved(self, message: TokenSaved) -> None:
        # Said once: the login form showed it already unless the keyring failed just now.
        if not message.saved and has(message.detail) and t(message.detail) != self._token_note:
            self._token_note = t(message.detail)
            self.notify(self._token_note, severity="warning", markup=False)

    @work(thread=True, group="keyring-forget", exit_on_error=False)
    def forget_token(self, store: TokenStore, url: str) -> None:
        store.delete(url)
        from counter.core import hall_cache

        hall_cache.forget_all(url)  # no token: no counter paints before the login form

    def sign_in_again(self, *, restoring: bool) -> None:
        """The token expired: back to login, keeping the window, its ticket and the held list."""
        staff = self.session.staff
        self.session.signed_out()
        self.client.token = None
        if self.token_store is not None:
            self.forget_token(self.token_store, self.token_key)
        if restoring:
            self.restore_failed(t("error.auth_expired"))  # the login form, saying why
            return
        if isinstance(self.screen, LoginScreen):
            return
        self._relogin = True
        self.notify(t("error.auth_expired"), severity="warning", markup=False)
        self.push_screen(
            LoginScreen(staff_no=staff.staff_no if staff is not None else "", relogin=True)
        )
