"""The Textual App of the counter terminal, and `make_app`, the one factory the CLI and tests use.

The App owns the Session. Workers (network, keyring) only post messages; the handlers here
change the session and redraw. Live hall events arrive through one long-running worker and
trigger a debounced re-fetch of what the counter screen shows — there is no per-second polling.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer
from textual.worker import WorkerFailed

from client.errors import AuthExpired, CentralError, Unreachable
from client.hall_time import hall_now
from client.live import ConnectionState, LiveEvents
from client.models import Event, Ticket, TicketAnswer, Window
from counter.core.config import Config
from counter.core.i18n import detect_language, has, set_language, t
from counter.core.session import Session
from screens.commands import ScreenActions
from screens.context import Host
from screens.counter import CounterScreen
from screens.errors import describe
from screens.focus import FOCUS_CSS
from screens.help import HelpScreen
from screens.keys import bindings, localized
from screens.login import LoginScreen
from screens.messages import (
    ActionDone,
    ApiFailed,
    ConnectionChanged,
    CounterData,
    HallEvent,
    HallLoaded,
    LoggedIn,
    SignedOn,
    TokenLoaded,
    TokenRestored,
    TokenSaved,
)
from screens.sign_on import SignOnScreen
from screens.text import clean
from screens.trainee_report import TrainingHost
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:
    from client.api import CentralClient
    from counter.core.credentials import CachedToken, TokenStore
    from counter.core.demo_account import DemoAccount, DemoControl
    from screens.intake import IntakeEscalation

# Events after which the counter screen re-fetches; bursts are folded into one fetch.
REFRESH_DEBOUNCE_S = 0.3
# Actions whose answer is a ticket now called to this window: announce it.
ANNOUNCED = ("call_next", "call_named", "recall", "call_back")


# Work that waits until the counter screen is up and filled (catalog warm-up, drafts).
AFTER_START_S = 1.5


class CounterApp(TrainingHost, SaysWorkerErrors, App[None]):
    TITLE = "Counter"
    CSS = FOCUS_CSS
    COMMANDS = App.COMMANDS | {ScreenActions}
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(
        self,
        *,
        client: CentralClient,
        config: Config,
        demo: DemoControl | None = None,
        token_store: TokenStore | None = None,
        login_as: tuple[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        set_language(config.lang or detect_language())
        super().__init__()
        self._bindings = localized(self._bindings)
        self.client = client
        self.config = config
        self.demo = demo
        self.token_store = token_store
        self.login_as = login_as
        self._clock = clock or hall_now
        self.session = Session()
        self._token_note: str | None = None
        self._refresh_timer: Timer | None = None
        # What the next re-fetch reads: "window" (and its held tickets), "queues", or both.
        self._refresh_what: set[str] = set()
        # The last hall event an action's answer already reflected: its echoes need no fetch.
        self._answered_event_id = 0
        self._live_started = False
        self._counter_opened = False
        self._relogin = False
        self._last_background_error: str | None = None
        # What the live stream last said; a failed request shows "offline" until one succeeds.
        self._stream_state: ConnectionState = "connecting"
        self.title = t("app.title")
        # The one live fan-out: screens subscribe with screens.live.hear_hall / hear_session.
        self.hall_events: Signal[Event] = Signal(self, "hall_events")
        self.session_changed: Signal[None] = Signal(self, "session_changed")

    # --- what screens may read (screens.context.Host) ------------------------------------------

    def now(self) -> datetime:
        return self._clock()

    @property
    def is_demo(self) -> bool:
        return self.demo is not None

    async def prepare_window(self, no: int) -> None:
        """In the demo, send a simulated colleague away from the window the trainee takes."""
        if self.demo is not None:
            await self.demo.free_window(no)

    @property
    def demo_accounts(self) -> Sequence[DemoAccount]:
        return list(self.demo.accounts) if self.demo is not None else []

    @property
    def token_key(self) -> str:
        """Tokens are kept per central API address."""
        return self.config.central_url or self.client.base_url

    @property
    def token_note(self) -> str | None:
        return self._token_note

    # --- start ----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        self.set_keymap(dict(self.config.keys))
        if self.login_as is not None:
            staff_no, password = self.login_as
            self.push_screen(LoginScreen(staff_no=staff_no, password=password, submit=True))
        else:
            self.push_screen(LoginScreen())
        if self.demo is not None:
            self.run_worker(self.demo.start(), name="demo", group="demo", exit_on_error=False)
            self.screen_change_signal.subscribe(self, self.mark_screen)  # training: DEMO · 培训
        if self.token_store is not None:
            self.load_token(self.token_store, self.token_key, self.login_as is None)

    @work(thread=True, group="keyring-load")
    def load_token(self, store: TokenStore, url: str, restore: bool) -> None:
        """Keyring calls block (D-Bus, a keychain prompt): a thread worker, never the loop."""
        in_memory = store.in_memory
        cached = store.load(url, now=self.now()) if restore else None
        self.post_message(TokenLoaded(cached, store.note if in_memory else None))

    def on_token_loaded(self, message: TokenLoaded) -> None:
        if message.note and has(message.note):
            self._token_note = t(message.note)
            if isinstance(self.screen, LoginScreen):
                self.screen.show_note(self._token_note)
        cached: CachedToken | None = message.cached
        if cached is None or self.session.signed_in or cached.expires_at <= self.now():
            return
        self.client.token = cached.token
        self.verify_token(cached.token)

    @work(exclusive=True, group="login")
    async def verify_token(self, token: str) -> None:
        try:
            # One round trip instead of two: the hall is needed next anyway.
            staff, hall = await asyncio.gather(self.client.me(), self.client.hall())
        except CentralError as error:
            self.post_message(ApiFailed(error, action="restore", quiet=True))
            return
        self.post_message(TokenRestored(staff, token, hall))

    def on_token_restored(self, message: TokenRestored) -> None:
        if self.session.signed_in:
            return
        self.session.signed_in_as(message.staff, message.token)
        if message.hall is not None and not self._relogin:
            self.post_message(HallLoaded(message.hall))
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

    @work(thread=True, group="keyring-save")
    def save_token(self, store: TokenStore, url: str, cached: CachedToken) -> None:
        store.save(url, cached)  # the token only: the password never leaves the login form
        self.post_message(TokenSaved(not store.in_memory, store.note or ""))

    def on_token_saved(self, message: TokenSaved) -> None:
        # Said once: the login form showed it already unless the keyring failed just now.
        if not message.saved and has(message.detail) and t(message.detail) != self._token_note:
            self._token_note = t(message.detail)
            self.notify(self._token_note, severity="warning", markup=False)

    @work(thread=True, group="keyring-forget")
    def forget_token(self, store: TokenStore, url: str) -> None:
        store.delete(url)

    def after_sign_in(self) -> None:
        if self._relogin:
            # Back where the clerk was, ticket and held list untouched.
            self._relogin = False
            if isinstance(self.screen, LoginScreen):
                self.pop_screen()
            self.schedule_refresh(0)
            return
        self.load_hall()

    @work(exclusive=True, group="hall")
    async def load_hall(self) -> None:
        try:
            hall = await self.client.hall()
        except CentralError as error:
            self.post_message(ApiFailed(error, action="hall"))
            return
        self.post_message(HallLoaded(hall))

    def default_window(self) -> int | None:
        if self.config.window is not None:
            return self.config.window
        staff = self.session.staff
        if staff is not None and staff.usual_window is not None:
            return staff.usual_window
        for account in self.demo_accounts:
            if staff is not None and account.staff_no == staff.staff_no:
                return account.window
        return None

    def on_hall_loaded(self, message: HallLoaded) -> None:
        session = self.session
        session.apply_hall(message.hall)
        me = session.staff.staff_no if session.staff is not None else None
        for window in message.hall.windows:
            # Already signed on here (a restart, a cached token): straight back to work.
            if window.staff_no == me and window.status != "signed_off":
                session.apply_window(window)
                self.open_counter()
                return
        if session.staff is not None and session.staff.role in ("supervisor", "admin"):
            self.open_board()
            return
        self.switch_screen(SignOnScreen(self.default_window()))
        self.start_live()  # the sign-on list follows the hall too

    def back_to_sign_on(self) -> None:
        """After the clerk's own sign-off: the hall's windows again, fresh."""
        self.load_hall()

    async def action_quit(self) -> None:
        """Signed on: ask "sign off window N?" (default yes) and name unfinished work first; not
        signed on, ask only when an intake or a form is unfinished."""
        from screens.sign_off import Outcome, SignOffScreen

        no = self.session.window_no
        if isinstance(self.screen, SignOffScreen):
            return  # the question is on screen already
        unfinished = self.unfinished_work()
        if no is None or not self.session.signed_on:
            if not unfinished:
                self.exit()
                return
            no = None  # e.g. a supervisor in the escalation form: ask about the work alone

        def answered(outcome: Outcome | None) -> None:
            if outcome is not None:
                self.exit()

        self.push_screen(SignOffScreen(no, quitting=True, unfinished=unfinished), answered)

    def unfinished_work(self) -> list[str]:
        """One line per screen holding work that quitting would interrupt."""
        from screens.escalation.form import EscalationForm
        from screens.intake import IntakeScreen

        lines: list[str] = []
        for screen in self.screen_stack:
            if isinstance(screen, IntakeScreen) and screen.state.step not in ("item", "document"):
                lines.append(t("sign_off.intake_open"))
            elif isinstance(screen, EscalationForm) and screen.unsaved():
                lines.append(t("sign_off.form_unsaved"))
        return lines

    def start_live(self) -> None:
        if not self._live_started:
            self._live_started = True
            self.live_events()

    def open_board(self) -> None:
        """A supervisor lands on the hall board (they may still sign on at a window from it)."""
        from screens.supervisor.board import HallBoardScreen

        self.switch_screen(HallBoardScreen())
        if not self._live_started:
            self._live_started = True
            self.live_events()

    def on_signed_on(self, message: SignedOn) -> None:
        self.session.apply_window(message.window)
        self.open_counter()

    def open_counter(self) -> None:
        self.switch_screen(CounterScreen())
        if not self._counter_opened:
            self._counter_opened = True
            # After the counter has its figures: the catalog is not needed to call a ticket.
            self.set_timer(AFTER_START_S, self.after_first_counter)
        self.start_live()
        self.schedule_refresh(0)

    def after_first_counter(self) -> None:
        """Once per run, off the start-up path: nudge about unfinished intakes (a crash, a
        closed terminal) and warm the catalog so the first F5 needs no fetch."""
        from counter.core import catalog_cache
        from screens.intake import announce_drafts

        announce_drafts(self)
        self.run_worker(
            catalog_cache.refresh(self.client, self.token_key),
            group="catalog-warm",
            exit_on_error=False,
        )

    def on_intake_escalation(self, message: IntakeEscalation) -> None:
        """F9 inside the intake: the escalation form, prefilled with its ticket, case, item."""
        from screens.escalation.hooks import raise_from_intake

        raise_from_intake(self, message)

    def _handle_exception(self, error: Exception) -> None:
        """A worker that failed unexpectedly must not end the session: the clerk may be in the
        middle of a case. Say it in one sentence and carry on; anything else Textual handles
        as usual. (Textual routes a failed worker here; workers with exit_on_error=False are
        said by SaysWorkerErrors instead.)"""
        if isinstance(error, WorkerFailed) and not isinstance(error.error, CentralError):
            self.log.error("worker failed", error.error)
            name = type(error.error).__name__
            self.notify(t("app.unexpected", error=name), severity="error", markup=False)
            return
        super()._handle_exception(error)

    # --- live events and re-fetching ----------------------------------------------------------

    @work(exclusive=True, group="live", exit_on_error=False)
    async def live_events(self) -> None:
        def on_state(state: str) -> None:
            self.post_message(ConnectionChanged(state))

        async for event in LiveEvents(self.client, on_state=on_state):
            self.post_message(HallEvent(event))

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        if message.state in ("connecting", "live", "polling", "offline"):
            self.session.connection = message.state  # type: ignore[assignment]
            self._stream_state = self.session.connection
        if message.state == "live":
            self.schedule_refresh(0)  # catch up on whatever happened while disconnected
        self.redraw()

    def on_hall_event(self, message: HallEvent) -> None:
        """Every subscriber hears every event; the App itself re-fetches what the counter
        shows when its window or queues changed — only that part, and not for the echo of an
        action whose answer already carried it."""
        event = message.event
        self.hall_events.publish(event)
        if event.id <= self._answered_event_id:
            return
        mine = {q.prefix for q in self.session.window_queues()}
        if event.type == "queue.changed" and (event.queue is None or event.queue in mine):
            self.schedule_refresh(REFRESH_DEBOUNCE_S, "queues")
        elif event.type in ("window.changed", "ticket.called") and event.window_no in (
            None,
            self.session.window_no,
        ):
            self.schedule_refresh(REFRESH_DEBOUNCE_S, "window")

    def schedule_refresh(self, delay: float, *what: str) -> None:
        """Re-fetch `what` ("window", "queues"; both when not said) after `delay` seconds;
        requests due within the delay are folded into one fetch."""
        self._refresh_what.update(what or ("window", "queues"))
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        # (a zero-length Textual timer divides by zero when it is late)
        self._refresh_timer = self.set_timer(max(delay, 0.01), self._refresh_now)

    def _refresh_now(self) -> None:
        self._refresh_timer = None
        what, self._refresh_what = self._refresh_what, set()
        no = self.session.window_no
        if no is not None and self.session.signed_in:
            held = [held.id for held in self.session.held] if "window" in what else []
            self.refresh_counter(no if "window" in what else None, "queues" in what, held)

    @work(group="refresh")
    async def refresh_counter(self, no: int | None, queues: bool, held_ids: list[int]) -> None:
        try:
            window, figures, held = await asyncio.gather(
                self.client.window(no) if no is not None else _nothing(),
                self.client.queues() if queues else _nothing(),
                asyncio.gather(*(self.client.ticket(ticket_id) for ticket_id in held_ids)),
            )
        except CentralError as error:
            self.post_message(ApiFailed(error, quiet=True))
            return
        self.post_message(CounterData(window, figures, list(held) if no is not None else None))

    def central_answered(self) -> None:
        """A request went through: "offline" (set by a failed request) no longer holds."""
        self._last_background_error = None
        if self.session.connection == "offline":
            self.session.connection = self._stream_state

    def on_counter_data(self, message: CounterData) -> None:
        self.central_answered()
        if message.window is not None:
            self.session.apply_window(message.window)
        if message.queues is not None:
            self.session.apply_queues(message.queues)
        if message.held is not None:
            self.session.apply_held(message.held)
        self.redraw()

    # --- answers to the counter's actions -------------------------------------------------------

    def on_action_done(self, message: ActionDone) -> None:
        self.central_answered()
        result = message.result
        answered = False
        if isinstance(result, Ticket):
            self.session.apply_ticket(result)
            answered = self._apply_answer(result)
            if message.action in ANNOUNCED and result.status in ("called", "serving"):
                self.notify(
                    t(
                        "counter.announce",
                        number=clean(result.number),
                        window=self.session.window_no,
                    ),
                    markup=False,
                )
        elif isinstance(result, Window):
            self.session.apply_window(result)
            answered = True  # pause and resume leave the queue figures as they were
        elif message.action == "call_next":
            self.notify(t("counter.nothing_waiting"), markup=False)
        self.redraw()
        if not answered:
            self.schedule_refresh(0)  # an answer without the window (an older central)

    def _apply_answer(self, ticket: Ticket) -> bool:
        """The window and queue figures the action's answer carried; True when it did."""
        where = ticket.at_window if isinstance(ticket, TicketAnswer) else None
        if where is None or where.window.no != self.session.window_no:
            return False
        self.session.apply_window(where.window)
        self.session.apply_queues(where.queues)
        self._answered_event_id = max(self._answered_event_id, where.event_id)
        return True

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

    def sign_in_again(self, *, restoring: bool) -> None:
        """The token expired: back to login, keeping the window, its ticket and the held list."""
        staff = self.session.staff
        self.session.signed_out()
        self.client.token = None
        if self.token_store is not None:
            self.forget_token(self.token_store, self.token_key)
        if restoring or isinstance(self.screen, LoginScreen):
            return
        self._relogin = True
        self.notify(t("error.auth_expired"), severity="warning", markup=False)
        self.push_screen(
            LoginScreen(staff_no=staff.staff_no if staff is not None else "", relogin=True)
        )

    # --- view -------------------------------------------------------------------------------------

    def redraw(self) -> None:
        """The session changed: whoever shows it redraws (screens.live.hear_session)."""
        self.session_changed.publish(None)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette entries, cut down to the ones a clerk needs, in their language."""
        yield SystemCommand(t("keys.help"), t("palette.help"), self.action_help)
        yield SystemCommand(t("keys.quit"), t("palette.quit"), self.action_quit)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            palette = CommandPalette(placeholder=t("palette.search"), id="--command-palette")
            self.push_screen(palette)

    def get_key_display(self, binding: Binding) -> str:
        """Function keys as printed on the keyboard: F2, not f2."""
        display = super().get_key_display(binding)
        return display.upper() if re.fullmatch(r"f\d{1,2}", display) else display

    def action_help(self) -> None:
        screen: Screen[Any] = self.screen
        if isinstance(screen, HelpScreen):
            return
        self.push_screen(HelpScreen(screen, getattr(screen, "HELP_TOPIC", "general")))


async def _nothing() -> None:
    return None


def make_app(
    *,
    client: CentralClient,
    config: Config,
    demo: DemoControl | None = None,
    token_store: TokenStore | None = None,
    login_as: tuple[str, str] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> CounterApp:
    """THE factory: the CLI (`counter`, `counter demo`) and the tests build the App here."""
    return CounterApp(
        client=client,
        config=config,
        demo=demo,
        token_store=token_store,
        login_as=login_as,
        clock=clock,
    )


def as_host(app: CounterApp) -> Host:
    """The App as screens see it. Written out so that mypy proves CounterApp satisfies the
    Host protocol screens cast to (screens.context.host); tests/test_host.py checks it at run
    time too."""
    return app
