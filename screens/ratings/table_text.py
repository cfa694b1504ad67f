"""Rows of the 差评 lists (mine, and the supervisor's queue) and of the staff tally table."""

from __future__ import annotations

from datetime import date

from rich.text import Text

from client.rating_models import Rating, TallyRow
from client.supervisor_models import Callback
from counter.core.i18n import t
from screens.ratings.figures import average, percent
from screens.text import clean, plain

# The comment column takes what is left of 80 columns; Enter shows the whole comment.
COMMENT_CELLS = 36
SUPERVISOR_COMMENT_CELLS = 22

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


def bad_columns(*, supervisor: bool) -> list[tuple[str, str]]:
    keys = ["day", "ticket", "level", "state", "due", "explained", "comment"]
    if supervisor:
        keys = ["day", "window", "clerk", "ticket", "level", "state", "due", "comment"]
    return [(key, t(f"ratings.col.{key}")) for key in keys]


def bad_row(rating: Rating, *, supervisor: bool) -> list[Text]:
    review = rating.review
    explained = review is not None and review.explanation is not None
    level = Text(str(rating.level), style="bold red")
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


def callback_row(item: Callback) -> list[Text]:
    """A dissatisfied 回访 callback in the supervisor's 差评 queue: its source in the level
    column (回访 instead of a level), the citizen's words from the call as the comment."""
    comment = short(item.note, SUPERVISOR_COMMENT_CELLS) if item.note else Text("—", style="dim")
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


def table_columns() -> list[tuple[str, str]]:
    return [(key, t(f"ratings.table.{key}")) for key in TABLE_KEYS]


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
