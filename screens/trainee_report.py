"""Training: the trainer's key (Ctrl+T) grades the scenario so far and shows the trainee report;
the App counts every key pressed for it. Mixed into the App (TrainingHost) so app.py only names
it; the grading itself is the demo's (counter.demo.grading), reached through TrainingControl."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from client.errors import CentralError
from counter.core.desk import Desk, TrainingControl
from counter.core.i18n import t
from counter.core.trainee_report import TraineeReport, render_text
from screens.keys import bindings, localized


class TraineeReportScreen(ModalScreen[None]):
    CSS_PATH = "modal.tcss"
    DEFAULT_CSS = """
    TraineeReportScreen { align: center middle; background: $background 60%; }
    TraineeReportScreen > .dialog { width: 78; }
    #report-body { height: auto; max-height: 18; }
    """
    BINDINGS = bindings("help")

    def __init__(self, report: TraineeReport) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.report = report
        self.text = render_text(report)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text(t("training.report.title") + " · " + t("training.marker")),
                classes="dialog-title",
            )
            with VerticalScroll(id="report-body"):
                yield Static(Text(self.text.rstrip("\n")))
            yield Static(t("help.close"), classes="dialog-hint")


class DemoMark(Static):
    """ "DEMO · 培训" in the top right corner of every screen while a scenario runs, laid over
    the screen (absolute, its own layer) so no screen's layout moves for it."""

    DEFAULT_CSS = """
    DemoMark {
        position: absolute;
        overlay: screen;
        width: auto;
        height: 1;
        padding: 0 1;
        background: $warning;
        color: $background;
        text-style: bold;
    }
    """

    def __init__(self) -> None:
        super().__init__(t("training.marker"), classes="demo-mark")

    def on_mount(self) -> None:
        width = (
            len(t("training.marker"))
            + 2
            + sum(1 for ch in t("training.marker") if ord(ch) > 0x2E80)
        )
        self.styles.offset = (max(0, self.app.size.width - width), 0)


class TrainingHost:
    """The App's part in training: keys counted, the desk of a ticket, the report on a key."""

    demo: Any

    @property
    def training(self) -> TrainingControl | None:
        training: TrainingControl | None = getattr(self.demo, "training", None)
        return training

    def desk(self, ticket_id: int | None) -> Desk | None:
        training = self.training
        return training.desk(ticket_id) if training is not None and ticket_id else None

    async def on_event(self, event: events.Event) -> None:
        training = self.training
        if training is not None and isinstance(event, events.Key):
            training.key_pressed()
        await super().on_event(event)  # type: ignore[misc]

    def mark_screen(self, screen: Screen[Any]) -> None:
        """Every screen shown while a scenario runs carries the DEMO · 培训 mark."""
        if self.training is not None and not screen.query(".demo-mark"):
            screen.mount(DemoMark())

    def action_trainee_report(self) -> None:
        if self.training is not None:
            self.show_trainee_report()

    @work(exclusive=True, group="trainee-report", exit_on_error=False)
    async def show_trainee_report(self) -> None:
        training = self.training
        if training is None:
            return
        app: Any = self
        staff = app.session.staff
        try:
            report = await training.report(staff.name if staff is not None else "")
        except CentralError as error:
            app.notify(t("training.report.failed", reason=error.message), markup=False)
            return
        if not isinstance(app.screen, TraineeReportScreen):
            app.push_screen(TraineeReportScreen(report))
