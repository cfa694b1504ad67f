"""Rows of the 差评 lists (mine, and the supervisor's queue) and of the staff tally table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.text import Text

from client.rating_models import Rating, TallyRow
from client.supervisor_models import Callback
from counter.core.i18n import t
from screens.ratings.figures import average, percent
from screens.text import clean, plain
from screens.widgets.fitted_table import Col

# The comment column takes the width the others leave (Enter shows the whole comment); this
# only until the table is laid out.
COMMENT_CELLS = 36
SUPERVISOR_COMMENT_CELLS = 22
DAY = "12-31"  # a day or due date as the tables show it (month-day)

STATE_STYLE = {
    "pending": "bold",
    "upheld": "bold red",
    "rectified": "green",
    "unfounded": "dim",
    "mistaken": "dim",
}


def state_text(rating: Rating | Callback) -> Text:
    review = rating.review
    if review is None:
        return Text("")
    label = t(f"ratings.state.{review.state}")
    if review.overdue:
        return Text(f"{label} {t('ratings.overdue')}", style="bold reverse")
    return Text(label, style=STATE_STYLE.get(review.state, ""))


def due_text(rating: Rating | Callback) -> Text:
    review = rating.review
    if review is None or review.rectify_due is None:
        return Text("—", style="dim")
    style = "bold reverse" if review.overdue else ""
    return Text(review.rectify_due.strftime("%m-%d"), style=style)


def short(value: str, cells: int = COMMENT_CELLS) -> Text:
    """A comment on one line: plain text, control characters gone, cut with an ellipsis."""
    text = plain(" ".join(clean(value).split()))
    text.truncate(cells, overflow="ellipsis")
    return text


def bad_columns(*, supervisor: bool, items: Sequence[Rating | Callback] = ()) -> list[Col]:
    """The 差评 table's columns, each as wide as the words and figures it shows in this
    language; the comment (and a supervisor's clerk name) take the rest of the width."""
    states = [t(f"ratings.state.{state}") for state in STATE_STYLE]
    states += [state_text(item).plain for item in items]
    day = Col("day", t("ratings.col.day"), fits=(DAY,))
    ticket = Col("ticket", t("ratings.col.ticket"), fits=tuple(i.ticket_number for i in items))
    levels = ("5", t("ratings.source.callback")) if supervisor else ("5",)
    level = Col("level", t("ratings.col.level"), fits=levels)
    state = Col("state", t("ratings.col.state"), fits=tuple(states))
    due = Col("due", t("ratings.col.due"), fits=(DAY, "—"))
    comment = Col("comment", t("ratings.col.comment"), share=3, least=12)
    if not supervisor:
        explained = Col("explained", t("ratings.col.explained"), fits=("✓",))
        return [day, ticket, level, state, due, explained, comment]
    windows = tuple(str(i.window_no) for i in items if i.window_no is not None)
    names = tuple(plain(i.staff_name or i.staff_no or "—").plain for i in items)
    window = Col("window", t("ratings.col.window"), fits=windows)
    clerk = Col("clerk", t("ratings.col.clerk"), fits=names, share=1, least=6)
    return [day, window, clerk, ticket, level, state, due, comment]


def bad_row(rating: Rating, *, supervisor: bool, cells: int | None = None) -> list[Text]:
    review = rating.review
    explained = review is not None and review.explanation is not None
    level = Text(str(rating.level), style="bold red")
    if cells is None:
        cells = SUPERVISOR_COMMENT_CELLS if supervisor else COMMENT_CELLS
    comment = short(rating.comment, cells) if rating.comment else Text("—", style="dim")
    day = Text(rating.service_day.strftime("%m-%d"))
    if supervisor:
        window = Text(str(rating.window_no) if rating.window_no is not None else "—")
        clerk = plain(rating.staff_name or rating.staff_no or "—")
        return [
            day,
            window,
            clerk,
            plain(rating.ticket_number),
            level,
            state_text(rating),
            due_text(rating),
            comment,
        ]
    mark = Text("✓" if explained else "", style="green")
    return [
        day,
        plain(rating.ticket_number),
        level,
        state_text(rating),
        due_text(rating),
        mark,
        comment,
    ]


def callback_row(item: Callback, cells: int = SUPERVISOR_COMMENT_CELLS) -> list[Text]:
    """A dissatisfied 回访 callback in the supervisor's 差评 queue: its source in the level
    column (回访 instead of a level), the citizen's words from the call as the comment."""
    comment = short(item.note, cells) if item.note else Text("—", style="dim")
    return [
        Text(item.service_day.strftime("%m-%d")),
        Text(str(item.window_no) if item.window_no is not None else "—"),
        plain(item.staff_name or item.staff_no or "—"),
        plain(item.ticket_number),
        Text(t("ratings.source.callback"), style="bold red"),
        state_text(item),
        due_text(item),
        comment,
    ]


def item_key(item: Rating | Callback) -> str:
    """Row key in the 差评 queue: ratings and callbacks have ids of their own."""
    return f"c{item.id}" if isinstance(item, Callback) else f"r{item.id}"


def queue_order(items: list[Rating | Callback], *, open_only: bool) -> list[Rating | Callback]:
    """Ratings and callbacks in one queue: open ones with those waiting for verification
    first, then the upheld by due date; the whole list newest first."""

    def when(item: Rating | Callback) -> float:
        moment = item.recorded_at if isinstance(item, Callback) else item.rated_at
        return moment.timestamp() if moment is not None else 0.0

    def open_key(item: Rating | Callback) -> tuple[int, date, float]:
        review = item.review
        pending = review is not None and review.state == "pending"
        due = review.rectify_due if review is not None and review.rectify_due else date.max
        return (0 if pending else 1, due, -when(item))

    if open_only:
        return sorted(items, key=open_key)
    return sorted(items, key=lambda item: -when(item))


# --- the staff tally table ---------------------------------------------------------------------

TABLE_KEYS = ("staff", "name", "window", "served", "rated", "satisfaction", "average", "bad",
              "rectify")  # fmt: skip


def table_columns(rows: Sequence[TallyRow] = ()) -> list[Col]:
    """The staff tally's columns: the figures as wide as their heading and values, the
    name taking the rest of the width."""
    texts: dict[str, list[str]] = {key: [] for key in TABLE_KEYS}
    for row in rows:
        for key, cell in zip(TABLE_KEYS, table_row(row), strict=True):
            texts[key].append(cell.plain)
    return [
        Col(key, t(f"ratings.table.{key}"), fits=tuple(texts[key]), share=1, least=6)
        if key == "name"
        else Col(key, t(f"ratings.table.{key}"), fits=tuple(texts[key]))
        for key in TABLE_KEYS
    ]


def table_row(row: TallyRow) -> list[Text]:
    f = row.figures
    bad = Text(str(f.bad), style="bold red" if f.bad else "", justify="right")
    return [
        plain(row.key),
        plain(row.label),
        Text(str(row.window_no) if row.window_no is not None else "—"),
        Text(str(f.served), justify="right"),
        Text(str(f.rated), justify="right"),
        Text(percent(f.satisfaction), justify="right"),
        Text(average(f.average), justify="right"),
        bad,
        Text(percent(f.rectify_rate), justify="right"),
    ]


def range_label(start: date, end: date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} – {end.isoformat()}"
