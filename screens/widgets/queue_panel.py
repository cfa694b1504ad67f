"""This window's queues: how many wait and how long the oldest has waited."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from client.hall_time import HALL_TZ
from counter.core.i18n import t
from counter.core.session import Session
from screens.text import plain
from screens.widgets.steady import SteadyStatic


def queue_table(session: Session) -> Table | Text:
    if not session.queues:
        return Text(t("queues.none"))
    table = Table(box=None, expand=True, padding=(0, 1), show_edge=False)
    table.add_column(t("queues.queue"), no_wrap=True, overflow="ellipsis", ratio=1)
    table.add_column(t("queues.waiting"), justify="right", no_wrap=True)
    table.add_column(t("queues.longest"), justify="right", no_wrap=True)
    for stats in session.queues:
        name = Text.assemble(plain(stats.prefix, "bold"), " ", plain(stats.name))
        waiting = Text(str(stats.waiting), style="bold" if stats.waiting else "dim")
        longest = t("queues.minutes", minutes=stats.longest_wait_s // 60) if stats.waiting else "-"
        table.add_row(name, waiting, longest)
    return table


class QueuePanel(SteadyStatic):
    DEFAULT_CSS = """
    QueuePanel { height: auto; border: round $secondary; padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.show_title(t("queues.title"))

    def show(self, session: Session) -> None:
        title = t("queues.title")
        if session.cached_at is not None:  # kept from the last run: not current yet
            kept = session.cached_at.astimezone(HALL_TZ).strftime("%H:%M")
            title = t("queues.title_cached", time=kept)
        self.show_title(title)
        key = tuple(
            (q.prefix, q.name, q.waiting, q.longest_wait_s // 60 if q.waiting else -1)
            for q in session.queues
        )
        self.show_content(queue_table(session), key=(title, key))
