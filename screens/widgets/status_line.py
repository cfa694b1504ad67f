"""The status line: hall, window, clerk, connection state, DEMO badge and a minutes clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.dom import DOMNode

from client.hall_time import HALL_TZ
from counter.core.i18n import t
from counter.core.session import Session
from screens.context import host
from screens.text import plain
from screens.widgets.steady import SteadyStatic

_CONNECTION_STYLE = {
    "live": "bold",
    "connecting": "",
    "polling": "italic",
    "offline": "bold reverse",
}


def status_text(session: Session, now: datetime, *, demo: bool) -> Text:
    parts: list[Text] = []
    if session.hall is not None:
        parts.append(plain(session.hall.name))
    if session.window is not None:
        parts.append(
            Text.assemble(t("status.window", no=session.window.no), " ", plain(session.window.name))
        )
    if session.staff is not None:
        parts.append(
            Text.assemble(plain(session.staff.name), " (", plain(session.staff.staff_no), ")")
        )
    state = session.connection
    parts.append(Text(f"● {t('connection.' + state)}", style=_CONNECTION_STYLE.get(state, "")))
    line = Text(" · ").join(parts)
    line.no_wrap = True
    line.overflow = "ellipsis"
    tail = Text()
    if demo:
        tail.append(f" {t('status.demo')} ", style="bold reverse")
        tail.append(" ")
    tail.append(now.astimezone(HALL_TZ).strftime("%H:%M"))
    return Text.assemble(" ", line, "  ", tail)


# The fastest a minutes clock is redrawn (a demo at --speed 1000 has a minute every 0.06 s).
MIN_REDRAW_S = 1.0


def seconds_to_next_minute(now: datetime) -> float:
    return 60.0 - (now.second + now.microsecond / 1_000_000)


def each_minute(node: DOMNode, callback: Callable[[], object]) -> None:
    """Call `callback` on each minute boundary of the App's clock, which in a demo runs
    `--speed` times faster than the wall (so a minute there is 60/speed real seconds); at most
    once a real second, however fast the demo runs."""
    speed = max(host(node.app).clock_speed, 0.01)

    def start() -> None:
        callback()
        node.set_interval(max(60 / speed, MIN_REDRAW_S), callback)

    node.set_timer(seconds_to_next_minute(host(node.app).now()) / speed, start)


class StatusLine(SteadyStatic):
    """Redrawn when the session changes and once a minute for the clock — never per second."""

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; background: $panel; color: $text; }
    """

    def on_mount(self) -> None:
        self.redraw()
        # Wake on the minute boundary, then once a minute: the clock shows minutes only.
        each_minute(self, self.redraw)

    def redraw(self) -> None:
        app = host(self.app)
        self.show_content(status_text(app.session, app.now(), demo=app.is_demo))
