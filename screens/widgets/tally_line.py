"""Today's ratings in one line on the counter screen: rated · 满意率 · 差评.

The widget fetches its own figures (GET /v1/ratings/tally?staff=me for today) when it is
mounted and whenever `reload()` is called — the App calls it when a `rating.received` event
for this window arrives. Nothing polls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widgets import Static

from client.hall_time import HALL_TZ
from counter.core.i18n import t
from screens.context import host
from screens.failures import reports_failure
from screens.live import hear_hall, hear_session
from screens.ratings.figures import percent
from screens.ratings.messages import TallyLoaded
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.models import Event
    from client.rating_models import TallyFigures


def tally_line_text(figures: TallyFigures | None, width: int | None = None) -> Text:
    """The line; where it would not fit `width` cells, "Today" goes first so that every
    figure keeps its number (the panel says it is today's)."""
    if figures is None:
        return Text(" " + t("tally_line.loading"), style="dim")
    line = _line(figures, today=True)
    if width is not None and line.cell_len > width:
        line = _line(figures, today=False)
    return line


def _line(figures: TallyFigures, *, today: bool) -> Text:
    bad_style = "bold red" if figures.bad else "bold"
    return Text.assemble(
        " ",
        (t("tally_line.today") + " " if today else "", "dim"),
        (t("tally_line.rated") + " ", "dim"),
        (str(figures.rated), "bold"),
        " · ",
        (t("tally_line.satisfaction") + " ", "dim"),
        (percent(figures.satisfaction), "bold"),
        " · ",
        (t("tally_line.bad") + " ", "dim"),
        (str(figures.bad), bad_style),
    )


class TallyLine(SaysWorkerErrors, Static):
    DEFAULT_CSS = """
    TallyLine { height: 1; width: 1fr; }
    """

    def __init__(self, *, id: str | None = "tally-line") -> None:
        super().__init__(tally_line_text(None), id=id)
        self.figures: TallyFigures | None = None

    def on_mount(self) -> None:
        hear_hall(self, self.hall_event)
        # Asked once the screen it sits on has painted: at start the counter's queue figures
        # come first, the day's rating tally (and its wire models) right after.
        self.call_after_refresh(self.first_reload)

    def first_reload(self) -> None:
        if not self.is_attached:  # the screen may be gone already
            return
        if host(self.app).session.signed_in:
            self.reload()
            return
        # The kept counter at start (counter.kept_counter): asked once the token is checked.
        self._waiting_for_sign_in = True
        hear_session(self, self._once_signed_in)

    _waiting_for_sign_in = False

    def _once_signed_in(self) -> None:
        if self._waiting_for_sign_in and host(self.app).session.signed_in and self.is_attached:
            self._waiting_for_sign_in = False
            self.reload()

    def hall_event(self, event: Event) -> None:
        """A rating (or a 差评 step) at this window: the tally changed."""
        if event.type == "rating.received" and event.window_no == host(self.app).session.window_no:
            self.reload()

    def reload(self) -> None:
        self.fetch()

    @work(exclusive=True, group="tally-line", exit_on_error=False)
    async def fetch(self) -> None:
        app = host(self.app)
        today = app.now().astimezone(HALL_TZ).date()
        with reports_failure(self, quiet=True):
            tally = await app.client.rating_tally(today, today, staff="me")
            self.post_message(TallyLoaded(tally))

    def on_tally_loaded(self, message: TallyLoaded) -> None:
        message.stop()
        self.figures = message.tally.total.figures
        self.update(tally_line_text(self.figures, self.size.width or None))

    def on_resize(self) -> None:
        if self.figures is not None:
            self.update(tally_line_text(self.figures, self.size.width))
