"""`counter display`: the hall display board on a TV driven by a small PC.

It signs in with the display's device account (config [display], or asked once on screen;
never a person's account), follows the hall's live events and re-fetches only what changed:
a ticket.called event fetches the new announcements (shown at once, then spoken in order), a
queue.changed event the waiting counts. When the link drops, the board says so and recovers
by itself; a token that expires is renewed with the remembered password.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from textual import work
from textual.app import App
from textual.timer import Timer

from client.api import CentralClient
from client.display_api import announcements
from client.errors import AuthExpired, CentralError
from client.hall_time import HALL_TZ
from client.live import ConnectionState, LiveEvents
from counter.core.config import Config
from counter.core.credentials import CachedToken, TokenStore
from counter.core.display_board import Board, Zone
from counter.core.i18n import detect_language, set_language, t
from counter.core.voice import VoiceQueue
from screens.display.board import DisplayBoard
from screens.display.sign_in import DeviceSignIn
from screens.errors import describe
from screens.worker_errors import SaysWorkerErrors

QUEUES_DEBOUNCE_S = 0.3
REFUSED_CHECK_S = 2.0


class DisplayApp(SaysWorkerErrors, App[None]):
    TITLE = "Counter display"

    def __init__(
        self,
        *,
        client: CentralClient,
        config: Config,
        clock: Callable[[], datetime] | None = None,
        voice: VoiceQueue | None = None,
        recent: int = 8,
        token_store: TokenStore | None = None,
    ) -> None:
        set_language(config.lang or detect_language())
        super().__init__()
        self.client = client
        self.config = config
        self._clock = clock or (lambda: datetime.now(HALL_TZ))
        self.board = Board(zone=Zone.of(config.display_queues, config.display_windows), size=recent)
        self.voice = voice
        self.token_store = token_store
        self.cursor: int | None = None
        self.credentials: tuple[str, str] | None = None
        self.view: DisplayBoard | None = None
        self._queues_timer: Timer | None = None
        self._was_live = False
        self._live: LiveEvents | None = None
        self._renewing = False
        self.title = t("display.title")

    # --- sign-in ---------------------------------------------------------------------------------

    @property
    def token_key(self) -> str:
        """The board's token is kept apart from a person's token for the same central."""
        return f"{self.config.central_url or self.client.base_url}#display"

    def on_mount(self) -> None:
        self.resume()

    @work(exclusive=True, group="sign-in", exit_on_error=False)
    async def resume(self) -> None:
        """A token kept from an earlier run (asked once), else the config's password, else ask."""
        account, password = self.config.display_account, self.config.display_password
        if self.token_store is not None:
            store = self.token_store
            cached = await asyncio.to_thread(store.load, self.token_key)
            if cached is not None and account in (None, cached.staff_no):
                self.client.token = cached.token
                try:
                    if (await self.client.me()).role == "device":
                        await self._start()
                        return
                except CentralError:
                    pass
                self.client.token = None
                await asyncio.to_thread(store.delete, self.token_key)
        if account and password:
            self.sign_in(account, password)
        else:
            await self.push_screen(DeviceSignIn(account))

    def on_device_sign_in_submitted(self, message: DeviceSignIn.Submitted) -> None:
        self.sign_in(message.account, message.password)

    @work(exclusive=True, group="sign-in", exit_on_error=False)
    async def sign_in(self, account: str, password: str) -> None:
        try:
            answer = await self.client.login(account, password)
            if answer.staff.role != "device":
                await self.client.logout()
                raise PermissionError(t("display.person_refused"))
        except (CentralError, PermissionError) as exc:
            said = (
                describe(exc, self.client.base_url) if isinstance(exc, CentralError) else str(exc)
            )
            if isinstance(self.screen, DeviceSignIn):
                self.screen.say(said)
            else:
                self.push_screen(DeviceSignIn(account))
            return
        self.credentials = (account, password)
        self._renewing = False
        if self._live is not None:
            self._live.last_error = None
        if self.token_store is not None:
            kept = CachedToken(answer.staff.staff_no, answer.token, answer.expires_at)
            await asyncio.to_thread(self.token_store.save, self.token_key, kept)
        if self.view is not None:  # signed in again after the session ended: back to the board
            self.pop_screen()
            await self.catch_up()
            return
        await self._start()

    async def _start(self) -> None:
        hall = await self.client.hall()
        zone = ",".join(self.board.zone.queues)
        if self.config.display_windows:
            zone = " ".join(p for p in (zone, self.config.display_windows) if p)
        self.view = DisplayBoard(self.board, hall.name, zone, self._clock())
        if isinstance(self.screen, DeviceSignIn):
            await self.switch_screen(self.view)
        else:
            await self.push_screen(self.view)
        first = await announcements(self.client, limit=50)
        for item in first.announcements:
            self.board.take(item)
        self.board.repeated = None
        self.cursor = first.last_id
        self.board.set_waiting((await self.client.queues()).queues)
        self.view.redraw()
        self.view.set_voice_note(self._voice_note())
        self._tick()
        if self.voice is not None:
            self.run_worker(self.voice.run(), group="voice", exclusive=True, exit_on_error=False)
        self.follow()
        self.set_interval(REFUSED_CHECK_S, self._check_refused)

    def _check_refused(self) -> None:
        """The central answers but refuses the session (signed out, expired, or a new database
        while the link was down): the link keeps retrying the same token, so sign in again and
        the next reconnect gets through."""
        refused = self._live is not None and isinstance(self._live.last_error, AuthExpired)
        if refused and not self._renewing:
            self._renewing = True
            self.run_worker(self._renew(), group="renew", exit_on_error=False)

    def _voice_note(self) -> str | None:
        if self.voice is None:
            return t("display.voice_muted")
        note = self.voice.note
        if note is None:
            return None
        if note.endswith(" not found"):
            return t(
                "display.voice_off", program=note.removeprefix("voice off: ")[: -len(" not found")]
            )
        return t("display.voice_no_command")

    # --- the clock: redrawn once a minute, on the minute ---------------------------------------

    def _tick(self) -> None:
        now = self._clock()
        if self.view is not None:
            self.view.set_clock(now)
        self.set_timer(60.5 - now.second - now.microsecond / 1e6, self._tick)

    # --- live events ---------------------------------------------------------------------------

    @work(exclusive=True, group="live", exit_on_error=False)
    async def follow(self) -> None:
        live = LiveEvents(self.client, poll_interval=5.0, on_state=self._on_state)
        self._live = live
        async for event in live:
            if event.type == "ticket.called":
                await self.catch_up()
            elif event.type == "queue.changed":
                self._queues_soon()

    def _on_state(self, state: ConnectionState) -> None:
        """live or polling: connected (after a loss, catch up at once); a loss after having
        been connected shows the "connection lost" line until it recovers by itself."""
        if self.view is None:
            return
        if state in ("live", "polling"):
            recovered = self.view.connection == "lost"
            self.view.set_connection("live")
            self._was_live = True
            if recovered:
                self.run_worker(self._resync(), group="catch-up", exit_on_error=False)
                self._queues_soon()
        elif self._was_live:
            self.view.set_connection("lost")

    async def _resync(self) -> None:
        """Back after a loss. When the central's feed now ends below where the board was (a new
        or restored database), the board starts over from that feed: asking only for what
        came after the old cursor would never show a call again. Else it catches up."""
        try:
            latest = await announcements(self.client, limit=50)
        except CentralError:
            latest = None
        if latest is None or self.cursor is None or latest.last_id >= self.cursor:
            await self.catch_up()
            return
        self.board.calls = []
        for item in latest.announcements:
            self.board.take(item)
        self.board.repeated = None
        self.cursor = latest.last_id
        if self.view is not None:
            self.view.redraw()

    async def catch_up(self) -> None:
        try:
            page = await announcements(self.client, after=self.cursor, limit=50)
        except AuthExpired:
            await self._renew()
            return
        except CentralError:
            return  # the next event or reconnect catches up
        changed = False
        for item in page.announcements:
            if self.board.take(item):
                changed = True
                if self.voice is not None:
                    self.voice.say(item)
        self.cursor = page.last_id
        if changed and self.view is not None:
            self.view.redraw()
            self.view.flash()

    def _queues_soon(self) -> None:
        if self._queues_timer is not None:
            self._queues_timer.stop()
        self._queues_timer = self.set_timer(QUEUES_DEBOUNCE_S, self._refresh_queues)

    async def _refresh_queues(self) -> None:
        try:
            stats = await self.client.queues()
        except CentralError:
            return
        self.board.set_waiting(stats.queues)
        if self.view is not None:
            self.view.redraw()

    async def _renew(self) -> None:
        """The token ended (expired or a supervisor signed the display out): sign in again
        with the password given this run, else ask for it."""
        account, password = self.config.display_account, self.config.display_password
        credentials = self.credentials or ((account, password) if account and password else None)
        if credentials is not None:
            try:
                answer = await self.client.login(*credentials)
                if self._live is not None:
                    self._live.last_error = None
                if self.token_store is not None:
                    kept = CachedToken(answer.staff.staff_no, answer.token, answer.expires_at)
                    await asyncio.to_thread(self.token_store.save, self.token_key, kept)
                return
            except CentralError:
                await asyncio.sleep(3)
                return
            finally:
                self._renewing = False
        if self.token_store is not None:
            await asyncio.to_thread(self.token_store.delete, self.token_key)
        if not isinstance(self.screen, DeviceSignIn):
            await self.push_screen(DeviceSignIn(self.config.display_account))
        # Asked on screen: the check stays off until someone signs the board in again.


def make_display_app(client: CentralClient, config: Config, **kw: Any) -> DisplayApp:
    return DisplayApp(client=client, config=config, **kw)
