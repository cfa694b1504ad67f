"""One rating in full, and the step of the 差评 loop the person in front of it may take:

    explain  — the clerk who served adds their explanation (once, while the 差评 is open)
    verify   — a supervisor's 核实: 1 属实 / 2 不属实 / 3 误评, a note, working days to rectify
    rectify  — a supervisor records the rectification of an upheld 差评
    view     — read only

A dissatisfied 回访 callback in the 差评 queue goes through the same dialog (verify, rectify,
view; a clerk's explanation is for ratings only).

Dismisses with the item as it now stands after a step, or None (Esc, or nothing done).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from client.errors import AuthExpired
from client.hall_time import HALL_TZ
from client.rating_models import Rating, Verdict
from client.supervisor_models import Callback
from counter.core.i18n import t, tn
from screens.context import host
from screens.errors import describe
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.messages import ApiFailed
from screens.ratings.figures import level_label
from screens.ratings.messages import BadItem, RatingChanged
from screens.ratings.table_text import state_text
from screens.text import plain
from screens.worker_errors import SaysWorkerErrors

Mode = Literal["explain", "verify", "rectify", "view"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
DEFAULT_RECTIFY_DAYS = 15


def _when(moment: datetime | None) -> str:
    if moment is not None:
        return moment.astimezone(HALL_TZ).strftime("%Y-%m-%d %H:%M")
    return ""


def detail_text(rating: BadItem) -> Text:
    """The rating (or callback) and its 差评 loop so far; API text shown literally."""
    lines: list[Text] = []

    def row(label: str, *value: Text | str | tuple[str, str]) -> None:
        lines.append(Text.assemble((f"{label}: ", "dim"), *value))

    who = plain(rating.staff_name or rating.staff_no or "—")
    if rating.staff_no and rating.staff_name:
        who = Text.assemble(who, " (", plain(rating.staff_no), ")")
    window = t("ratings.window_no", no=rating.window_no) if rating.window_no is not None else "—"
    row(t("ratings.field.service"), plain(rating.ticket_number), " · ", window, " · ", who)
    if isinstance(rating, Callback):
        row(t("ratings.field.source"), Text(t("ratings.source.callback_long"), style="bold"))
        row(t("ratings.field.when"), rating.service_day.isoformat())
        row(t("ratings.field.citizen"), plain(rating.applicant_name or "—"), " · ",
            plain(rating.phone))  # fmt: skip
        called = Text(_when(rating.recorded_at))
        called.append(" · ")
        called.append_text(plain(rating.recorded_by or ""))
        row(t("ratings.field.called"), called)
        row(t("ratings.field.comment"), plain(rating.note) if rating.note else "—")
    else:
        row(t("ratings.field.when"), _when(rating.finished_at))
        level = Text(f"{rating.level} {level_label(rating.level)}", style="bold")
        if rating.bad:
            level.stylize("red")
        row(t("ratings.field.level"), level)
        if rating.reasons:
            reasons = "、".join(t(f"ratings.reason.{code}") for code in rating.reasons)
            row(t("ratings.field.reasons"), reasons)
        row(t("ratings.field.comment"), plain(rating.comment) if rating.comment else "—")
    review = rating.review
    if review is not None:
        row(t("ratings.field.state"), state_text(rating))
        if review.explanation is not None:
            row(
                t("ratings.field.explanation"),
                plain(review.explanation),
                (f"  {_when(review.explained_at)}", "dim"),
            )
        if review.verdict is not None:
            by = plain(review.verified_by_name or review.verified_by or "")
            row(
                t("ratings.field.verdict"),
                t(f"ratings.state.{review.verdict}"),
                " · ",
                plain(review.verify_note or "—"),
                ("  ", "dim"),
                by,
                (f" {_when(review.verified_at)}", "dim"),
            )
        if review.rectify_due is not None:
            due = Text(
                review.rectify_due.isoformat(), style="bold reverse" if review.overdue else ""
            )
            row(
                t("ratings.field.due"),
                due,
                f" ({tn('ratings.working_days', review.rectify_days or 0)})",
            )
        if review.rectification is not None:
            row(
                t("ratings.field.rectification"),
                plain(review.rectification),
                (f"  {_when(review.rectified_at)}", "dim"),
            )
    return Text("\n").join(lines)


def can_explain(rating: BadItem, staff_no: str | None) -> bool:
    review = rating.review
    return (
        isinstance(rating, Rating)
        and review is not None
        and review.explanation is None
        and review.state in ("pending", "upheld")
        and staff_no is not None
        and rating.staff_no == staff_no
    )


class RatingDetailScreen(SaysWorkerErrors, ModalScreen[Rating | Callback | None]):
    CSS_PATH = "ratings_modal.tcss"
    BINDINGS = bindings("rating_step")

    def __init__(self, rating: BadItem, mode: Mode = "view") -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.rating = rating
        self.mode: Mode = mode
        self.busy = False

    def step_allowed(self) -> bool:
        review = self.rating.review
        if review is None:
            return False
        if self.mode == "explain":
            staff = host(self.app).session.staff
            return can_explain(self.rating, staff.staff_no if staff else None)
        if self.mode == "verify":
            return review.state == "pending"
        if self.mode == "rectify":
            return review.state == "upheld"
        return False

    def compose(self) -> ComposeResult:
        title = t(f"ratings.dialog.{self.mode}", ticket=self.rating.ticket_number)
        with Vertical(classes="dialog", id="rating-dialog"):
            yield Static(plain(title), classes="dialog-title")
            with VerticalScroll(id="rating-detail"):
                yield Static(detail_text(self.rating))
            if self.step_allowed():
                yield from self.step_fields()
            else:
                yield Static(t(f"ratings.dialog.{self.mode}_closed"), id="rating-closed")
            yield Static("", id="rating-error")
            yield Static(t(f"ratings.dialog.{self.mode}_hint"), classes="dialog-hint")

    def step_fields(self) -> ComposeResult:
        if self.mode == "explain":
            yield Input(
                placeholder=t("ratings.dialog.explain_placeholder"),
                max_length=1000,
                id="rating-text",
            )
        elif self.mode == "verify":
            options = [
                Option(f"{i}  {t('ratings.state.' + verdict)}", id=verdict)
                for i, verdict in enumerate(VERDICTS, start=1)
            ]
            yield OptionList(*options, id="rating-verdicts")
            yield Input(
                placeholder=t("ratings.dialog.verify_placeholder"),
                max_length=1000,
                id="rating-text",
            )
            yield Input(
                value=str(DEFAULT_RECTIFY_DAYS),
                placeholder=t("ratings.dialog.days_placeholder"),
                type="integer",
                max_length=3,
                id="rating-days",
            )
        elif self.mode == "rectify":
            yield Input(
                placeholder=t("ratings.dialog.rectify_placeholder"),
                max_length=1000,
                id="rating-text",
            )

    def on_mount(self) -> None:
        if self.mode == "verify" and self.step_allowed():
            self.query_one("#rating-verdicts", OptionList).highlighted = 0
        if self.step_allowed():
            self.query_one("#rating-text", Input).focus()

    def on_key(self, event: events.Key) -> None:
        # In the verdict list, 1–3 pick a verdict as on the labels.
        if self.mode != "verify" or not self.step_allowed():
            return
        verdicts = self.query_one("#rating-verdicts", OptionList)
        if verdicts.has_focus and event.key.isdigit() and 1 <= int(event.key) <= len(VERDICTS):
            event.stop()
            verdicts.highlighted = int(event.key) - 1

    def verdict(self) -> Verdict:
        index = self.query_one("#rating-verdicts", OptionList).highlighted or 0
        return VERDICTS[min(max(index, 0), len(VERDICTS) - 1)]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy or not self.step_allowed():
            return
        text = self.query_one("#rating-text", Input).value.strip()
        error = self.query_one("#rating-error", Static)
        if self.mode in ("explain", "rectify") and not text:
            error.update(Text(t(f"ratings.dialog.{self.mode}_empty"), style="bold"))
            return
        days: int | None = None
        if self.mode == "verify":
            raw = self.query_one("#rating-days", Input).value.strip()
            days = int(raw) if raw.isdigit() else 0
            if self.verdict() == "upheld" and not 1 <= days <= 365:
                error.update(Text(t("ratings.dialog.days_invalid"), style="bold"))
                return
        self.busy = True
        error.update("")
        verdict = self.verdict() if self.mode == "verify" else None
        self.submit(self.rating, self.mode, text, verdict, days)

    @work(exclusive=True, group="rating-step", exit_on_error=False)
    async def submit(
        self, item: BadItem, mode: Mode, text: str, verdict: Verdict | None, days: int | None
    ) -> None:
        client = host(self.app).client
        rectify_days = days if verdict == "upheld" else None
        changed: BadItem
        with reports_failure(self, f"rating_{mode}"):
            if isinstance(item, Callback):  # a dissatisfied 回访 callback: its own endpoints
                if mode == "verify" and verdict is not None:
                    changed = await client.verify_callback(item.id, verdict, text, rectify_days)
                else:
                    changed = await client.rectify_callback(item.id, text)
            elif mode == "explain":
                changed = await client.explain_rating(item.id, text)
            elif mode == "verify" and verdict is not None:
                changed = await client.verify_rating(item.id, verdict, text, rectify_days)
            else:
                changed = await client.rectify_rating(item.id, text)
            self.post_message(RatingChanged(changed, mode))

    def on_rating_changed(self, message: RatingChanged) -> None:
        message.stop()
        self.busy = False
        self.dismiss(message.rating)

    def on_api_failed(self, message: ApiFailed) -> None:
        # Said here, beside the form; only an expired token goes on to the App (→ login).
        if not isinstance(message.error, AuthExpired):
            message.stop()
        self.busy = False
        text = describe(message.error, host(self.app).client.base_url)
        self.query_one("#rating-error", Static).update(Text(text, style="bold"))

    def action_cancel(self) -> None:
        self.dismiss(None)
