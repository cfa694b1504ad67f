"""Held tickets (挂起) waiting for their call back, and what the window served today."""

from __future__ import annotations

from rich.text import Text

from counter.core.i18n import t
from counter.core.session import Session
from screens.text import plain
from screens.widgets.steady import SteadyStatic


def today_text(session: Session) -> Text:
    held = Text(t("today.held") + " ")
    if session.held:
        held.append_text(Text(" ").join(plain(h.number, "bold") for h in session.held))
    else:
        held.append(t("today.none_held"), style="dim")
    served = Text(t("today.served", count=session.served_today))
    return Text.assemble(held, "\n", served)


class TodayPanel(SteadyStatic):
    DEFAULT_CSS = """
    TodayPanel { height: auto; border: round $primary; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.border_title = t("today.title")

    def show(self, session: Session) -> None:
        self.show_content(today_text(session))
