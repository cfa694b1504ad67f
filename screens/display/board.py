"""The hall display board (叫号屏): latest call in big digits with its window, the last calls,
waiting per queue, the hall's name, a clock in minutes and the connection state."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from client.hall_time import HALL_TZ
from counter.core.display_board import Board
from counter.core.i18n import t
from screens.display.digits import ScaledNumber
from screens.text import plain

# A new or repeated call flashes the big panel's frame three times (0.7 s each, as the web
# page does): the eye catches it across the room, and the digits stay readable throughout.
FLASHES = 3
FLASH_PERIOD_S = 0.7


class DisplayBoard(Screen[None]):
    DEFAULT_CSS = """
    DisplayBoard { layout: vertical; }
    #display-head { height: 1; }
    #display-lost { height: 1; text-style: bold reverse; display: none; }
    DisplayBoard.lost #display-lost { display: block; }
    #display-main { height: 1fr; }
    #display-latest { width: 2fr; border: round $accent; padding: 0 1; }
    DisplayBoard.flash #display-latest { border: heavy $warning; background: $accent 30%; }
    #display-label { height: 1; }
    #display-ticket { height: 1fr; min-height: 3; }
    #display-window { height: 1; text-style: bold; content-align: center middle; }
    #display-window-digits { height: 1fr; max-height: 15; }
    #display-recent { width: 1fr; border: round $secondary; padding: 0 1; }
    #display-waiting { height: auto; max-height: 3; }
    #display-status { height: 1; }
    """

    def __init__(self, board: Board, hall_name: str, zone_label: str, now: datetime) -> None:
        super().__init__()
        self.board = board
        self.hall_name = hall_name
        self.zone_label = zone_label
        self.now = now
        self.connection = "connecting"
        self.voice_note: str | None = None
        self.flashing = False
        self.flashes_seen = 0  # how many flashes began (tests read it; a flash is brief)
        self._flash_timer: Timer | None = None
        self._flash_steps = 0

    def compose(self) -> ComposeResult:
        yield Static(id="display-head")
        yield Static(t("display.lost"), id="display-lost")
        with Horizontal(id="display-main"):
            with Vertical(id="display-latest"):
                yield Static(t("display.now_calling"), id="display-label")
                yield ScaledNumber(id="display-ticket")
                yield Static(id="display-window")
                yield ScaledNumber(most=3, id="display-window-digits")
            yield Static(id="display-recent")
        yield Static(id="display-waiting")
        yield Static(id="display-status")

    def on_mount(self) -> None:
        self.redraw()

    # --- what the app calls --------------------------------------------------------------------

    def redraw(self) -> None:
        self._head()
        latest = self.board.latest
        self.query_one("#display-ticket", ScaledNumber).value = latest.ticket if latest else ""
        self.query_one("#display-window-digits", ScaledNumber).value = (
            str(latest.window_no) if latest else ""
        )
        self.query_one("#display-window", Static).update(
            t("display.to_window", no=latest.window_no) if latest else t("display.none")
        )
        self._recent()
        self._waiting()
        self._status()

    def flash(self) -> None:
        """Flash the latest call's panel (a call just came in, or was called again): the frame
        turns on and off FLASHES times; a call during a flash starts it over."""
        if self._flash_timer is not None:
            self._flash_timer.stop()
        self.flashing = True
        self.flashes_seen += 1
        self._flash_steps = 2 * FLASHES
        self.add_class("flash")
        self._flash_timer = self.set_interval(FLASH_PERIOD_S / 2, self._flash_step)

    def _flash_step(self) -> None:
        self._flash_steps -= 1
        self.set_class(self._flash_steps % 2 == 0 and self._flash_steps > 0, "flash")
        if self._flash_steps <= 0:
            self.remove_class("flash")
            self.flashing = False
            if self._flash_timer is not None:
                self._flash_timer.stop()
                self._flash_timer = None

    def set_clock(self, now: datetime) -> None:
        self.now = now
        self._head()

    def set_connection(self, state: str) -> None:
        self.connection = state
        self.set_class(state == "lost", "lost")
        self._status()

    def set_voice_note(self, note: str | None) -> None:
        self.voice_note = note
        self._status()

    # --- parts ---------------------------------------------------------------------------------

    def _head(self) -> None:
        clock = self.now.astimezone(HALL_TZ).strftime("%H:%M")
        line = Text.assemble(plain(self.hall_name), style="bold")
        if self.zone_label:
            line.append("  " + t("display.zone", zone=self.zone_label))
        width = max(0, self.size.width - line.cell_len - len(clock))
        line.append(" " * width)
        line.append(clock, style="bold")
        self.query_one("#display-head", Static).update(line)

    def _recent(self) -> None:
        lines = Text(t("display.recent") + "\n", style="bold")
        for item in self.board.recent:
            style = "reverse" if item.ticket == self.board.repeated else ""
            mark = " ↻" if item.recall else ""
            lines.append(f"{item.ticket:<6}{t('display.window', no=item.window_no)}{mark}\n", style)
        self.query_one("#display-recent", Static).update(lines)

    def _waiting(self) -> None:
        parts = [
            t("display.waiting_n", prefix=q.prefix, name=q.name, n=q.waiting)
            for q in self.board.waiting
        ]
        text = Text(t("display.waiting") + ": ", style="bold")
        text.append(" · ".join(parts))
        self.query_one("#display-waiting", Static).update(text)

    def _status(self) -> None:
        state = {"live": "display.live", "lost": "display.lost"}.get(
            self.connection, "display.connecting"
        )
        line = Text("● " + t(state), style="bold" if self.connection == "live" else "")
        if self.voice_note:
            line.append("  ·  " + self.voice_note)
        self.query_one("#display-status", Static).update(line)
