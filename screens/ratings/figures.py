"""Tally figures as text: percentages, changes, level bars and the per-day chart.

Pure functions (no widgets), so they are tested plainly. Bars are block characters: they read
the same in 16 colours and under NO_COLOR=1 (the colour only repeats what the length says).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from rich.cells import cell_len
from rich.text import Text

from client.wire_words import LEVELS
from counter.core.i18n import t

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.rating_models import TallyBy, TallyChange, TallyFigures, TallyPeriod

PeriodKind = Literal["today", "week", "month", "range"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("today", "week", "month", "range")
EIGHTHS = " ▁▂▃▄▅▆▇█"
PARTIAL = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
LEVEL_STYLE = {5: "green", 4: "green", 3: "yellow", 2: "red", 1: "bold red"}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date
    by: TallyBy


def period_of(kind: PeriodKind, today: date, chosen: tuple[date, date] | None = None) -> Period:
    """Today; this week (Monday–Sunday); this month; or the chosen range, by day."""
    if kind == "week":
        monday = today - timedelta(days=today.weekday())
        return Period(kind, monday, monday + timedelta(days=6), "week")
    if kind == "month":
        return Period(kind, *month_of(today), "month")
    if kind == "range" and chosen is not None:
        return Period(kind, chosen[0], chosen[1], "day")
    return Period("today", today, today, "day")


def month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def average(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def signed(value: float | None, *, points: bool = False) -> str:
    """+1.2 / −0.5; percentage points for rates; empty when there is nothing to compare."""
    if value is None:
        return ""
    shown = value * 100 if points else value
    if round(shown, 2) == 0:
        return "±0"
    text = f"{shown:+.1f}" if points else f"{shown:+.2f}"
    return text.replace("-", "−")


def level_label(level: int) -> str:
    return t(f"ratings.level.{level}")


def summary(figures: TallyFigures, change: TallyChange | None) -> Text:
    """Two lines: served, rated, unrated, defaults; then 满意率, average, 差评 (with change)."""

    def part(label: str, value: str, delta: str = "", style: str = "bold") -> Text:
        text = Text.assemble((label + " ", "dim"), (value, style))
        if delta:
            text.append(f" ({delta})", style="dim")
        return text

    c = change
    counts = [
        part(t("ratings.served"), str(figures.served)),
        part(t("ratings.rated"), str(figures.rated), f"{c.rated:+d}" if c else ""),
        part(t("ratings.unrated"), str(figures.unrated)),
        part(t("ratings.defaults"), str(figures.defaults)),
    ]
    rates = [
        part(
            t("ratings.satisfaction"),
            percent(figures.satisfaction),
            signed(c.satisfaction, points=True) if c else "",
        ),
        part(t("ratings.average"), average(figures.average), signed(c.average) if c else ""),
        part(
            t("ratings.bad"),
            str(figures.bad),
            f"{c.bad:+d}" if c else "",
            style="bold red" if figures.bad else "bold",
        ),
    ]
    if figures.upheld:
        rates.append(part(t("ratings.rectify_rate"), percent(figures.rectify_rate)))
    return Text.assemble(" ", Text(" · ").join(counts), "\n ", Text(" · ").join(rates))


def bar(value: int, largest: int, width: int) -> str:
    """A horizontal bar of `width` cells at most, in eighths of a cell."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    return "█" * (eighths // 8) + PARTIAL[eighths % 8]


def level_bars(figures: TallyFigures, width: int) -> Text:
    """Five lines, 5 to 1: label, bar, count. `width` is the whole line's width in cells."""
    labels = {level: f"{level} {level_label(level)}" for level in LEVELS}
    label_width = max(cell_len(label) for label in labels.values())
    counts = {level: figures.levels.get(level, 0) for level in LEVELS}
    count_width = max(len(str(n)) for n in counts.values())
    room = max(width - label_width - count_width - 2, 4)
    largest = max(counts.values())
    lines: list[Text] = []
    for level in LEVELS:
        label = labels[level]
        line = Text(label + " " * (label_width - cell_len(label)) + " ")
        drawn = bar(counts[level], largest, room)
        line.append(drawn, style=LEVEL_STYLE[level])
        line.append(" " * (room - cell_len(drawn)) + " " + str(counts[level]).rjust(count_width))
        lines.append(line)
    return Text("\n").join(lines)


def day_chart(days: Sequence[TallyPeriod], height: int = 3) -> Text:
    """Citizens' ratings per day as vertical bars (one column a day), a row marking days with
    a 差评 (×), and the day numbers below (1, 5, 10 …)."""
    counts = [p.figures.rated for p in days]
    largest = max(counts, default=0)
    rows: list[Text] = []
    for row in range(height, 0, -1):
        line = Text()
        for n in counts:
            filled = n / largest * height * 8 if largest else 0
            level = int(min(max(filled - (row - 1) * 8, 0), 8))
            if n and row == 1 and level == 0:
                level = 1  # a day with any rating shows at least a sliver
            line.append(EIGHTHS[level])
        rows.append(line)
    marks = Text()
    for p in days:
        marks.append("×" if p.figures.bad else " ", style="bold red")
    rows.append(marks)
    # Day numbers under their column; the last may run a cell past the bars.
    axis = [" "] * (len(days) + 2)
    for index, p in enumerate(days):
        number = str(p.start.day)
        if (p.start.day == 1 or p.start.day % 5 == 0) and all(
            axis[i] == " " for i in range(index, index + len(number) + 1)
        ):
            axis[index : index + len(number)] = list(number)
    rows.append(Text("".join(axis).rstrip(), style="dim"))
    return Text("\n").join(rows)


def chart_scale(days: Sequence[TallyPeriod]) -> str:
    return t("ratings.chart_scale", most=max((p.figures.rated for p in days), default=0))
