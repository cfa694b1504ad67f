"""How the hall board words its rows: windows, queues and alerts (pure functions, no widgets).

API text (names) is data: it goes through `plain`, never markup. Durations are whole minutes,
so a board that nothing happens to changes at most once a minute.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from client.supervisor_models import Alert, BoardQueue, BoardWindow, Callback, CallbackDay
from counter.core.i18n import t
from screens.text import clean, plain

Cell = str | Text


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    whole = max(0, int(seconds // 60))
    if whole < 60:
        return t("board.min", m=whole)
    return t("board.hm", h=whole // 60, m=f"{whole % 60:02d}")


def since(now: datetime, moment: datetime | None) -> float | None:
    return None if moment is None else (now - moment).total_seconds()


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


WINDOW_COLUMNS = ("no", "name", "clerk", "state", "ticket", "served", "avg", "rate")
QUEUE_COLUMNS = ("queue", "waiting", "longest", "avg_wait", "issued", "served", "no_show", "level")
ALERT_COLUMNS = ("time", "alert", "ack")
CALLBACK_COLUMNS = ("cb_ticket", "cb_window", "cb_name", "cb_phone", "cb_outcome")


def columns(names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(name, t(f"board.col.{name}")) for name in names]


def window_state(w: BoardWindow, now: datetime) -> Text:
    label = t("window.status." + w.status)
    if w.status == "paused":
        reason = t("pause.reason." + w.pause_reason) if w.pause_reason else ""
        text = Text(f"{label}·{reason} {minutes(since(now, w.paused_since))}", style="bold")
        return text
    style = {"signed_off": "dim", "idle": "", "calling": "bold", "serving": "bold"}[w.status]
    return Text(label, style=style)


NAME_CELLS = 12  # a window's name is cut to this many cells when the table is tight


def window_columns(rows: list[list[Cell]], room: int) -> tuple[tuple[str, ...], int | None]:
    """The windows table's columns for these rows (full, as window_row gives them) in `room`
    cells, and the width the window's name is cut to (None: whole). The name gives way
    first — cut, then left out — as the least needed column: its number names the window,
    and the clerk, state, ticket and today's figures are what a supervisor watches."""
    labels = [t(f"board.col.{name}") for name in WINDOW_COLUMNS]
    widths = [
        max([Text(label).cell_len, *(_cells(row[index]) for row in rows)]) + 2  # padding
        for index, label in enumerate(labels)
    ]
    name = WINDOW_COLUMNS.index("name")
    others = sum(widths) - widths[name]
    if others + widths[name] <= room:
        return WINDOW_COLUMNS, None
    if others + min(widths[name], NAME_CELLS + 2) <= room:
        return WINDOW_COLUMNS, NAME_CELLS
    return tuple(c for c in WINDOW_COLUMNS if c != "name"), None


def cut(cell: Cell, cells: int) -> Text:
    """A cell cut to `cells` columns with an ellipsis (CJK counted double)."""
    text = cell.copy() if isinstance(cell, Text) else Text(cell)
    text.truncate(cells, overflow="ellipsis")
    return text


def _cells(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else Text(cell).cell_len


def window_row(w: BoardWindow, now: datetime) -> list[Cell]:
    ticket: Cell = "–"
    if w.current_ticket is not None:
        ticket = f"{clean(w.current_ticket.number)} {minutes(since(now, w.current_since))}"
    cells: dict[str, Cell] = {
        "no": str(w.no),
        "name": plain(w.name),
        "clerk": plain(w.staff_name or "–", "dim" if w.status == "signed_off" else ""),
        "state": window_state(w, now),
        "ticket": ticket,
        "served": str(w.served_today),
        "avg": minutes(w.avg_handling_s),
        "rate": percent(w.satisfaction),
    }
    return [cells[name] for name in WINDOW_COLUMNS]


def queue_row(q: BoardQueue) -> list[Cell]:
    over = q.waiting > q.warn_level
    waiting = Text(str(q.waiting), style="bold reverse" if over else "")
    if over:
        waiting.append(" !")
    return [
        Text.assemble((q.prefix, "bold"), " ", plain(q.name)),
        waiting,
        minutes(q.longest_wait_s) if q.waiting else "–",
        minutes(q.avg_wait_s),
        str(q.issued_today),
        str(q.served_today),
        str(q.no_shows_today),
        str(q.warn_level),
    ]


def alert_text(alert: Alert) -> str:
    """One sentence in the terminal's language; figures from the alert's params."""
    p = {k: clean(v) for k, v in alert.params.items()}
    if "seconds" in alert.params:
        p["duration"] = minutes(float(alert.params["seconds"]))
    if "reason" in alert.params:
        p["reason"] = t(f"pause.reason.{alert.params['reason']}")
    return t(f"board.alert.{alert.kind}", **p)


def alert_row(alert: Alert, local: datetime) -> list[Cell]:
    style = "" if alert.acked_at else "bold"
    ack = t("board.acked_by", who=clean(alert.acked_by or "")) if alert.acked_at else t("board.new")
    return [local.strftime("%m-%d %H:%M"), Text(alert_text(alert), style=style), ack]


def callbacks_head(day: CallbackDay) -> Text:
    """Tab 6's two lines: the day's sample against the 10 % it needs, and, honestly, how many
    finished services could not be called and why (the rate counts against all of them)."""
    rate = percent(day.rate)
    head = Text(t("board.callbacks_head", day=day.service_day.isoformat(), drawn=day.drawn,
                  wanted=day.wanted, finished=day.finished, recorded=day.recorded, rate=rate),
                style="bold")  # fmt: skip
    missing = sum(day.not_callable.values())
    line = t("board.callbacks_callable", callable=day.with_phone, missing=missing,
             no_case=day.not_callable.get("no_case", 0),
             no_mobile=day.not_callable.get("no_mobile", 0))  # fmt: skip
    head.append("\n" + line)
    if day.drawn < day.wanted:
        head.append(" · ")
        head.append(t("board.callbacks_short", short=day.wanted - day.drawn), style="bold reverse")
    return head


def callback_row(c: Callback) -> list[Cell]:
    if c.recorded_at is None:
        outcome = Text(t("board.cb.todo"), style="bold")
    elif not c.reached:
        outcome = Text(t("board.cb.not_reached"))
    else:
        outcome = Text(t("board.cb.satisfied" if c.satisfied else "board.cb.dissatisfied"))
        if c.review is not None:  # in the 差评 queue: where its loop stands
            outcome.append(" · " + t(f"ratings.state.{c.review.state}"))
            if c.review.state == "upheld" and c.rectify_due is not None:
                outcome.append(" " + t("board.cb.rectify_due", due=c.rectify_due.isoformat()))
    return [
        clean(c.ticket_number),
        str(c.window_no or "–"),
        plain(c.applicant_name),
        clean(c.phone),
        outcome,
    ]
