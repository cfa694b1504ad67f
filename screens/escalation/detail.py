"""One escalation: who reported what, where it stands, its due date, and its timeline (who, when,
what) oldest first. A supervisor takes the next step from here; a clerk reads."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from client.escalation_models import Escalation, EscalationStep
from client.hall_time import HALL_TZ
from counter.core.i18n import t
from screens.context import host
from screens.escalation.common import (
    action_text,
    category_text,
    channel_text,
    deadline_note,
    hear_escalations,
    reason_text,
    satisfaction_text,
    status_text,
)
from screens.escalation.messages import EscalationChanged, EscalationLoaded, EscalationSaved
from screens.escalation.steps import SupervisorSteps
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.messages import ApiFailed
from screens.text import clean, plain
from screens.widgets.fitted_footer import FittedFooter

HALL_TIME = "%m-%d %H:%M"


class EscalationDetailScreen(SupervisorSteps):
    CSS_PATH = "escalation.tcss"
    HELP_TOPIC = "escalation_detail"
    BINDINGS = bindings("escalation_detail")

    def __init__(self, no: str, escalation: Escalation | None = None) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.no = no
        self.escalation = escalation

    def selected(self) -> Escalation | None:
        return self.escalation

    def compose(self) -> ComposeResult:
        yield Static(plain(t("escalation.detail.title", no=self.no)), id="detail-title")
        with VerticalScroll(id="detail-body"):
            yield Static("", id="detail-fields")
            yield Static("", id="detail-timeline")
        yield FittedFooter()

    def on_mount(self) -> None:
        hear_escalations(self)
        self.show()
        self.load()
        if host(self.app).session.hall is None:
            self.load_departments()

    @work(exclusive=True, group="escalation-detail", exit_on_error=False)
    async def load(self) -> None:
        with reports_failure(self, "escalation_detail", quiet=True):
            escalation = await host(self.app).client.escalation(self.no)
            self.post_message(EscalationLoaded(escalation))

    def on_escalation_loaded(self, message: EscalationLoaded) -> None:
        message.stop()
        self.escalation = message.escalation
        self.show()

    def on_escalation_saved(self, message: EscalationSaved) -> None:
        message.stop()
        self.stepping = False
        self.escalation = message.escalation
        self.notify(
            t("escalation.step_done", no=self.no, action=action_text(message.action)),
            markup=False,
        )
        self.show()

    def on_escalation_changed(self, message: EscalationChanged) -> None:
        message.stop()
        if message.no in (None, self.no) and not self.stepping:
            self.load()

    def on_api_failed(self, message: ApiFailed) -> None:
        self.step_failed()

    # --- view -------------------------------------------------------------------------------

    def show(self) -> None:
        e = self.escalation
        fields = self.query_one("#detail-fields", Static)
        timeline = self.query_one("#detail-timeline", Static)
        if e is None:
            fields.update(Text(t("escalation.loading"), style="dim"))
            timeline.update("")
        else:
            fields.update(fields_view(e))
            timeline.update(timeline_view(e.timeline))
        self.refresh_bindings()

    def action_back(self) -> None:
        self.dismiss(None)


def fields_view(e: Escalation) -> RenderableType:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style="bold", no_wrap=True)
    # fold: Chinese text has no spaces, so to Rich a long description is one word it would
    # cut with "…"; folded, it wraps and every character can be read.
    grid.add_column(ratio=1, overflow="fold")

    def add(label: str, value: Text | None) -> None:
        # Only Text values: a str cell of a Rich table is read as markup.
        if value:
            grid.add_row(t(f"escalation.detail.{label}"), value)

    head = Text.assemble(
        (status_text(e.status), "bold"),
        " · ",
        category_text(e.category),
        " · ",
        channel_text(e.channel),
    )
    add("state", head)
    due = Text(e.due_date.isoformat())
    note = deadline_note(e)
    if note:
        due.append(f"  {note}", style="bold reverse" if e.overdue else "bold")
    if e.due_guessed:
        due.append("  " + t("escalation.form.due_guessed"))
    add("due", due)
    reporter = plain(e.reporter.name)
    if e.reporter.contact_person:
        reporter.append("（" + clean(e.reporter.contact_person) + "）")
    reporter.append("  " + clean(e.reporter.phone))
    add("reporter", reporter)
    related = [
        v
        for v in (
            t("escalation.form.ticket", number=clean(e.ticket_number)) if e.ticket_number else "",
            clean(e.case_no or ""),
            " ".join(clean(v) for v in (e.item_code, e.item_name) if v),
        )
        if v
    ]
    add("related", plain(" · ".join(related)))
    add("description", plain(e.description))
    if e.department_name:
        handler = " ".join(clean(v) for v in (e.handler, e.handler_phone) if v)
        add("department", plain(f"{e.department_name}  {handler}"))
    add("result", plain(e.result) if e.result else None)
    if e.satisfaction:
        callback = satisfaction_text(e.satisfaction)
        if e.callback_note:
            callback += "  " + clean(e.callback_note)
        add("callback", plain(callback))
    if e.out_of_scope is not None:
        scope = e.out_of_scope
        add(
            "out_of_scope",
            plain(
                f"{reason_text(scope.reason)}：{clean(scope.explanation)} → {clean(scope.channel)}"
            ),
        )
    registered = e.registered_at.astimezone(HALL_TZ).strftime("%Y-%m-%d %H:%M")
    add("registered", plain(f"{registered}  {e.registered_by_name}（{e.registered_by}）"))
    return grid


def timeline_view(steps: list[EscalationStep]) -> RenderableType:
    if not steps:
        return Text("")
    table = Table(
        title=t("escalation.detail.timeline"),
        title_justify="left",
        title_style="bold",
        show_edge=False,
        expand=True,
        pad_edge=False,
        box=None,
    )
    table.add_column(t("escalation.detail.when"), no_wrap=True)
    table.add_column(t("escalation.detail.who"), no_wrap=True)
    table.add_column(t("escalation.detail.what"), ratio=1, overflow="fold")
    for step in steps:
        what = Text(action_text(step.action), style="bold")
        detail = _step_detail(step)
        if detail:
            what.append("  ")
            what.append_text(plain(detail))
        table.add_row(
            step.at.astimezone(HALL_TZ).strftime(HALL_TIME),
            plain(f"{step.actor_name} {step.actor}"),
            what,
        )
    return Group(table)


def _step_detail(step: EscalationStep) -> str:
    d = step.details
    parts: list[str] = []
    if step.action == "assign":
        parts += [d.get("department_name", ""), d.get("handler", ""), d.get("handler_phone", "")]
    if step.action == "register" and "due_date" in d:
        parts.append(t("escalation.detail.due_on", date=d["due_date"]))
    if step.action == "resolve":
        parts.append(d.get("result", ""))
    if step.action == "callback" and "satisfaction" in d:
        parts.append(satisfaction_text(d["satisfaction"]))
    if step.action == "out_of_scope":
        reason = d.get("scope_reason")
        parts += [reason_text(reason) if reason else "", d.get("scope_explanation", "")]
        parts.append("→ " + d.get("scope_channel", ""))
    parts.append(step.note)
    return "  ".join(p for p in parts if p)
