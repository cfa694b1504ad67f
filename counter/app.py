"""The Textual App of the counter terminal, and `make_app`, the one factory the CLI and tests use.

The App owns the Session. Workers (network, keyring) only post messages; the handlers here
change the session and redraw. Live hall events arrive through one long-running worker and
trigger a debounced re-fetch of what the counter screen shows — there is no per-second polling.
Its other parts are mixed in from their own modules: signing in and the kept token
(counter.sign_in), quitting (counter.quitting), saying failures (counter.worker_errors),
training (screens.trainee_report).
"""

from __future__ import annotations

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

from client.hall_time import hall_now
from client.live import ConnectionState
from counter.core.config import DEFAULT_KEYS, Config
from counter.core.i18n import detect_language, set_language, t
from counter.core.session import Session
from counter.keeping_fresh import KeepsCounterFresh
from counter.kept_counter import KeptCounter
from counter.quitting import Quitting
from counter.sign_in import KeepsToken
from counter.worker_errors import SaysFailures
from screens.commands import ScreenActions
from screens.context import Host
from screens.counter import CounterScreen
from screens.failures import reports_failure
from screens.focus import FOCUS_CSS
from screens.help import HelpScreen
from screens.keys import bindings, localized
from screens.login import LoginScreen
from screens.messages import (
    HallLoaded,
    SignedOn,
)
from screens.notices import NOTICES_CSS
from screens.sign_on import SignOnScreen
from screens.trainee_report import TrainingHost
from screens.type_ahead import KeepsTypeAhead
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:
    from client.api import CentralClient
    from client.models import Event, Hall, QueuesResponse
    from counter.core.credentials import TokenStore
    from counter.core.demo_account import DemoAccount, DemoControl
    from screens.intake import IntakeEscalation

# Work that waits until the counter screen is up and filled (catalog warm-up, drafts).
AFTER_START_S = 1.5
# The start's views become the wire models this long after the central's answer.
SETTLE_AFTER_S = 0.5


class CounterApp(
    KeepsToken,
    KeptCounter,
    Quitting,
    KeepsCounterFresh,
    SaysFailures,
    TrainingHost,
    SaysWorkerErrors,
    KeepsTypeAhead,
    App[None],
):
    TITLE = "Counter"
    CSS = FOCUS_CSS + NOTICES_CSS
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
        # A demo hall keeps its own time (counter demo --speed): the waits shown run on it.
        self._clock = clock or (demo.now if demo is not None else hall_now)
        self.session = Session()
        self._token_note: str | None = None
        self._refresh_timer: Timer | None = None
        # What the next re-fetch reads: "window" (and its held tickets), "queues", or both.
        self._refresh_what: set[str] = set()
        # The newest event a pending re-fetch is for; None when something else asked for it.
        self._refresh_for: int | None = None
        # The last hall event an action's answer already reflected: its echoes need no fetch.
        self._answered_event_id = 0
        # Action answers applied so far: a re-fetch asked before the latest one read an older
        # window, and applying it would take the ticket just called off the screen.
        self._answers = 0
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
    def clock_speed(self) -> float:
        """How many times faster than the wall `now()` runs (a demo's --speed)."""
        return self.demo.speed if self.demo is not None else 1.0

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

    # --- start ----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        # Only the keys the config changed: Textual applies its keymap again at every binding
        # lookup, and one naming all ~100 bindings cost ~8 ms of the first paint; the others
        # already hold their table keys (screens.keys.bindings), clashes checked by the config.
        self.set_keymap(
            {id_: keys for id_, keys in self.config.keys.items() if keys != DEFAULT_KEYS.get(id_)}
        )
        if self.login_as is not None:
            staff_no, password = self.login_as
            self.push_screen(LoginScreen(staff_no=staff_no, password=password, submit=True))
        elif not self.start_without_login():  # the kept counter instead (counter.kept_counter)
            self.push_screen(LoginScreen())
        if self.demo is not None:
            self.run_worker(self.demo.start(), name="demo", group="demo", exit_on_error=False)
            self.screen_change_signal.subscribe(self, self.mark_screen)  # training: DEMO · 培训
            self.mark_screen(self.screen)  # the login, pushed before the subscription
        if self.token_store is not None:
            self.load_token(self.token_store, self.token_key, self.login_as is None)

    def after_sign_in(self) -> None:
        if self._relogin:
            # Back where the clerk was, ticket and held list untouched.
            self._relogin = False
            if isinstance(self.screen, LoginScreen):
                self.pop_screen()
            self.schedule_refresh(0)
            return
        self.load_hall()

    @work(exclusive=True, group="hall", exit_on_error=False)
    async def load_hall(self) -> None:
        with reports_failure(self, "hall"):
            self.post_message(HallLoaded(await self.client.hall()))

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
        self.kept_start_over()
        session.apply_hall(message.hall)
        # The start's answers were read without pydantic (client.wire_view): validated into
        # the wire models once the screen they fill has painted and the event stream is
        # asked for (an action's answer or a re-fetch settles them first if it comes sooner).
        self.set_timer(SETTLE_AFTER_S, self.settle_wire_models)
        # A trainee's terminal in counter serve --demo; asked once the next screen has painted.
        self.call_after_refresh(self.join_classroom, message.hall)
        me = session.staff.staff_no if session.staff is not None else None
        for window in message.hall.windows:
            # Already signed on here (a restart, a cached token): straight back to work.
            if window.staff_no == me and window.status != "signed_off":
                session.apply_window(window)
                if message.queues is not None:
                    session.apply_queues(message.queues)
                    self._live_from = _read_together(message.hall, message.queues)
                self.open_counter(queues_read=message.queues is not None)
                return
        if session.staff is not None and session.staff.role in ("supervisor", "admin"):
            self.open_board()
            return
        self.switch_screen(SignOnScreen(self.default_window()))
        self.start_live()  # the sign-on list follows the hall too

    def back_to_sign_on(self) -> None:
        """After the clerk's own sign-off: the hall's windows again, fresh."""
        self.load_hall()

    def start_live(self) -> None:
        if not self._live_started:
            self._live_started = True
            self.live_events()

    def open_board(self) -> None:
        """A supervisor lands on the hall board (they may still sign on at a window from it)."""
        from screens.supervisor.board import HallBoardScreen

        self.switch_screen(HallBoardScreen())
        self.start_live()

    def on_signed_on(self, message: SignedOn) -> None:
        self.session.apply_window(message.window)
        self.open_counter()

    def open_counter(self, *, queues_read: bool = False) -> None:
        """`queues_read`: the queue figures came with the hall just now (a restart)."""
        if any(isinstance(screen, CounterScreen) for screen in self.screen_stack):
            self.redraw()  # the kept counter (kept_counter) is on screen: filled in place
        else:
            self.switch_screen(CounterScreen())
        if not self._counter_opened:
            self._counter_opened = True
            # After the counter has its figures: the catalog is not needed to call a ticket.
            self.set_timer(AFTER_START_S, self.after_first_counter)
        self.start_live()
        if not queues_read:  # (the hall's window carries its held tickets too)
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

    # --- view -------------------------------------------------------------------------------------

    def redraw(self) -> None:
        """The session changed: whoever shows it redraws (screens.live.hear_session)."""
        self.session_changed.publish(None)
        self.keep_counter()  # for the next start (at most once a minute)

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


def _read_together(hall: Hall, queues: QueuesResponse) -> int | None:
    """The newest event both start reads reflect (None from a central that does not say)."""
    hall_id: int | None = getattr(hall, "event_id", None)
    queues_id: int | None = getattr(queues, "event_id", None)
    return None if hall_id is None or queues_id is None else min(hall_id, queues_id)


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
