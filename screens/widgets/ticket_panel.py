"""The ticket in front of the clerk: its number in big digits, queue, kind, wait and status."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical

from counter.core.i18n import t
from counter.core.session import Session
from screens.text import clean, plain
from screens.widgets.big_number import BigNumber
from screens.widgets.steady import SteadyStatic

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.models import Ticket


def ticket_lines(session: Session, ticket: Ticket | None, now: datetime, hint: str) -> Text:
    if ticket is None:
        if session.paused and session.window is not None:
            reason = t("pause.reason." + (session.window.pause_reason or "other"))
            note = clean(session.window.pause_note or "")
            said = t("ticket.paused_note", reason=reason, note=note) if note else None
            return Text.assemble((said or t("ticket.paused", reason=reason), "bold"), "\n", hint)
        return Text.assemble((t("ticket.none"), "bold"), "\n", hint)
    kind = t("kind." + ticket.kind)
    lines = Text.assemble(
        (t("ticket.status." + ticket.status), "bold reverse"),
        "  ",
        plain(session.queue_name(ticket.queue)),
        " · ",
        (kind, "bold" if ticket.kind == "green" else ""),
        "\n",
        t("ticket.waited", minutes=Session.waited_minutes(ticket, now)),
    )
    if ticket.recall_count:
        lines.append(" · " + t("ticket.recalled", count=ticket.recall_count))
    if ticket.transferred_from:
        lines.append(" · " + t("ticket.transferred", queue=clean(ticket.transferred_from)))
    if ticket.kind == "green":  # chosen by the citizen at the kiosk: the clerk confirms it
        lines.append("\n")
        lines.append(t("ticket.green_check"), "bold")
    lines.append("\n")
    lines.append(hint)
    return lines


class TicketPanel(Vertical):
    DEFAULT_CSS = """
    TicketPanel { height: auto; border: round $accent; padding: 0 1; align-vertical: middle; }
    TicketPanel > BigNumber { margin: 1 0 1 0; }
    TicketPanel > #ticket-info { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield BigNumber(id="ticket-number")
        yield SteadyStatic(id="ticket-info")

    def on_mount(self) -> None:
        self.border_title = t("ticket.title")

    def show(self, session: Session, now: datetime, hint: str) -> None:
        ticket = session.current
        self.query_one(BigNumber).show(ticket.number if ticket is not None else "")
        info = self.query_one("#ticket-info", SteadyStatic)
        info.show_content(ticket_lines(session, ticket, now, hint))
