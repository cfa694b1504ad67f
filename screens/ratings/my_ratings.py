"""F11 / s "my ratings" (我的评价): today, this week, this month or a chosen range.

The figures with their change against the period before, the counts per level as bars, a
per-day chart of the month, and the list of my 差评 (comment, state, deadline); Enter on one
shows it and lets me add my explanation (once).
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Static

from client.hall_time import HALL_TZ
from client.rating_models import Rating, RatingTally, TallyFigures
from counter.core.i18n import t
from screens.context import host
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.ratings.detail import RatingDetailScreen
from screens.ratings.figures import (
    PERIOD_KINDS,
    Period,
    PeriodKind,
    chart_scale,
    day_chart,
    level_bars,
    month_of,
    period_of,
    summary,
)
from screens.ratings.messages import MyRatingsLoaded
from screens.ratings.range_dialog import RangeScreen
from screens.ratings.table_text import bad_columns, bad_row
from screens.text import plain
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.fitted_table import FittedTable
from screens.worker_errors import SaysWorkerErrors


def period_title(period: Period) -> str:
    if period.start == period.end:
        span = period.start.isoformat()
    else:
        span = f"{period.start.isoformat()} – {period.end.isoformat()}"
    return f"{t('ratings.period.' + period.kind)} {span}"


def tabs(current: PeriodKind) -> Text:
    line = Text(" ")
    for index, kind in enumerate(PERIOD_KINDS, start=1):
        label = f" {index} {t('ratings.period.' + kind)} "
        line.append(label, style="bold reverse" if kind == current else "")
        line.append(" ")
    return line


class LevelBars(Static):
    """Counts per level as bars, drawn to the width the layout gives."""

    figures: TallyFigures | None = None

    def show(self, figures: TallyFigures) -> None:
        self.figures = figures
        self.refresh(layout=True)

    def render(self) -> Text:
        if self.figures is None:
            return Text(t("ratings.loading"), style="dim")
        return level_bars(self.figures, max(self.content_size.width, 20))


class MyRatingsScreen(SaysWorkerErrors, Screen[None]):
    CSS_PATH = "ratings.tcss"
    HELP_TOPIC = "my_ratings"
    BINDINGS = bindings("my_ratings")

    def __init__(self, kind: PeriodKind = "today") -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.kind: PeriodKind = kind
        self.chosen: tuple[date, date] | None = None
        self.bad: list[Rating] = []
        self.loaded = False

    def today(self) -> date:
        return host(self.app).now().astimezone(HALL_TZ).date()

    def period(self) -> Period:
        return period_of(self.kind, self.today(), self.chosen)

    def compose(self) -> ComposeResult:
        yield Static(id="ratings-title")
        yield Static(id="ratings-tabs")
        yield Static(id="ratings-summary")
        with Horizontal(id="ratings-figures"):
            yield LevelBars(id="ratings-bars")
            yield Static(id="ratings-chart")
        yield FittedTable(self.fill_bad, id="ratings-bad", cursor_type="row", zebra_stripes=False)
        yield FittedFooter()

    def on_mount(self) -> None:
        self.query_one("#ratings-bars", LevelBars).border_title = t("ratings.bars_title")
        table = self.query_one("#ratings-bad", FittedTable)
        table.border_title = t("ratings.my_bad_title")
        table.set_cols(bad_columns(supervisor=False))
        self.redraw_head()
        self.reload()

    # --- loading ------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.fetch(self.period(), self.today())

    @work(exclusive=True, group="my-ratings", exit_on_error=False)
    async def fetch(self, period: Period, today: date) -> None:
        client = host(self.app).client
        first, last = month_of(period.end)
        with reports_failure(self, "my_ratings"):
            tally = await client.rating_tally(period.start, period.end, by=period.by)
            month = await client.rating_tally(first, last, by="day")
            bad = await client.ratings(bad=True)
            self.post_message(MyRatingsLoaded(tally, month, bad))

    def on_my_ratings_loaded(self, message: MyRatingsLoaded) -> None:
        message.stop()
        self.loaded = True
        self.show_period(message.period)
        self.show_month(message.month)
        self.show_bad(message.bad)

    # --- view -------------------------------------------------------------------------------

    def redraw_head(self) -> None:
        staff = host(self.app).session.staff
        who = Text()
        if staff is not None:
            who = Text.assemble(" · ", plain(staff.name), " (", plain(staff.staff_no), ")")
        title = Text.assemble(
            (" " + t("ratings.my_title"), "bold"), who, " · ", period_title(self.period())
        )
        self.query_one("#ratings-title", Static).update(title)
        self.query_one("#ratings-tabs", Static).update(tabs(self.kind))

    def show_period(self, tally: RatingTally) -> None:
        total = tally.total
        change = total.change
        if len(tally.periods) == 1:
            change = tally.periods[0].change  # today/week/month: against the calendar one before
        previous = tally.periods[0].previous if len(tally.periods) == 1 else total.previous
        if previous is not None and previous.served == 0:
            change = None  # nothing served before: no change to show
        line = summary(total.figures, change)
        self.query_one("#ratings-summary", Static).update(line)
        self.query_one("#ratings-bars", LevelBars).show(total.figures)

    def show_month(self, month: RatingTally) -> None:
        chart = self.query_one("#ratings-chart", Static)
        chart.border_title = t("ratings.chart_title", month=month.start.strftime("%Y-%m"))
        chart.border_subtitle = chart_scale(month.periods)
        chart.update(day_chart(month.periods))

    def show_bad(self, ratings: list[Rating]) -> None:
        self.bad = ratings
        table = self.query_one("#ratings-bad", FittedTable)
        if not table.set_cols(bad_columns(supervisor=False, items=ratings)):
            self.fill_bad()
        if not ratings:
            table.border_subtitle = t("ratings.no_bad")
        else:
            table.border_subtitle = t("ratings.bad_count", count=len(ratings))
        self.refresh_bindings()

    def fill_bad(self) -> None:
        """The rows (again after the columns were laid out anew for a new width)."""
        table = self.query_one("#ratings-bad", FittedTable)
        cells = {str(key.value): col.width for key, col in table.columns.items()}.get("comment")
        table.clear()
        for rating in self.bad:
            table.add_row(*bad_row(rating, supervisor=False, cells=cells), key=str(rating.id))

    # --- actions ----------------------------------------------------------------------------

    def action_period(self, kind: str) -> None:
        if kind in PERIOD_KINDS and kind != "range":
            self.kind = kind
            self.redraw_head()
            self.reload()

    def action_choose_range(self) -> None:
        period = self.period()

        def chosen(answer: tuple[date, date] | None) -> None:
            if answer is not None:
                self.kind, self.chosen = "range", answer
                self.redraw_head()
                self.reload()

        self.app.push_screen(RangeScreen(period.start, period.end), chosen)

    def selected(self) -> Rating | None:
        table = self.query_one("#ratings-bad", DataTable)
        if not self.bad or table.cursor_row < 0 or table.cursor_row >= len(self.bad):
            return None
        return self.bad[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "explain":
            return self.selected() is not None or None
        return True

    def action_explain(self) -> None:
        rating = self.selected()
        if rating is not None:

            def done(changed: object) -> None:
                if changed is not None:
                    self.reload()

            self.app.push_screen(RatingDetailScreen(rating, mode="explain"), done)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_explain()

    def action_close(self) -> None:
        self.dismiss(None)
