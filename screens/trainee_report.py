"""Training: the trainer's key (Ctrl+T) grades the scenario so far and shows the trainee report;
the App counts every key pressed for it. Mixed into the App (TrainingHost) so app.py only names
it; the grading itself is the demo's (counter.demo.grading), reached through TrainingControl."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from client.errors import CentralError
from counter.core.desk import Desk, TrainingControl
from counter.core.i18n import current_language, t
from counter.core.trainee_report import TraineeReport, render_text
from screens.keys import bindings, localized
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.models import Hall
    from counter.core.classroom import ClassroomTraining


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
    """ "DEMO · 培训" in the top right corner of every screen of a demo or a classroom, laid over
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


class TrainerTicketScreen(ModalScreen[str | None]):
    """The trainer's Ctrl+O: which queue the next citizen takes a ticket in."""

    CSS_PATH = "modal.tcss"
    DEFAULT_CSS = "TrainerTicketScreen { align: center middle; background: $background 60%; }"
    BINDINGS = bindings("intake_note")  # Esc: cancel

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("training.trainer.ticket_title"), classes="dialog-title")
            yield Input(max_length=4, id="trainer-queue")
            yield Static(t("training.trainer.ticket_prompt"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TrainingHost(SaysWorkerErrors):
    """The App's part in training: keys counted, the desk of a ticket, the report on a key."""

    demo: Any
    # A trainee's terminal in a classroom (counter serve --demo): its scenario over the network.
    classroom: ClassroomTraining | None = None

    @property
    def training(self) -> TrainingControl | None:
        training: TrainingControl | None = getattr(self.demo, "training", None)
        if training is None and self.classroom is not None and self.classroom.has_scenario:
            return self.classroom
        return training

    def join_classroom(self, hall: Hall) -> None:
        """Signed in to a demo hall's central (not the in-process demo): is it a classroom, and
        is this clerk a trainee there? Asked once; a real hall's code never is "demo"."""
        app: Any = self
        staff = app.session.staff
        if self.demo is not None or hall.code != "demo" or self.classroom is not None:
            return
        if staff is not None and staff.role in ("supervisor", "admin"):
            self.ask_trainer()
            return
        if staff is None or staff.role != "clerk":
            return
        self.ask_classroom()

    # The trainer's terminal on a classroom's central: its screens carry the mark too.
    trainer_in_classroom = False

    @work(exclusive=True, group="classroom", exit_on_error=False)
    async def ask_trainer(self) -> None:
        from client.training_api import classroom

        app: Any = self
        try:
            await classroom(app.client)
        except CentralError:
            return  # a demo-seeded central that is no classroom: nothing to mark
        if not self.trainer_in_classroom:
            self.trainer_in_classroom = True
            self.mark_every_screen()

    @work(exclusive=True, group="classroom", exit_on_error=False)
    async def ask_classroom(self) -> None:
        # Only a demo hall's central asks: the classroom's calls and models load here, not at start.
        from client.training_api import my_place
        from counter.core.classroom import ClassroomTraining

        app: Any = self
        try:
            place = await my_place(app.client)
        except CentralError:
            return  # no classroom (404), or not a trainee: the ordinary workbench
        self.classroom = ClassroomTraining(app.client, place, self.desk_arrived)
        app.session_changed.subscribe(app, self.ticket_at_window)
        self.mark_every_screen()
        self.ticket_at_window(None)
        if place.scenario is not None:
            title = place.title_en if current_language() == "en" and place.title_en else place.title
            said = t("classroom.joined", window=place.window, title=title, n=place.citizens)
        else:
            said = t("classroom.joined_free", window=place.window)
        app.notify(said, markup=False)

    def mark_every_screen(self) -> None:
        """A classroom's terminal (trainee or trainer): this screen and each one after it
        carry the training mark."""
        app: Any = self
        app.screen_change_signal.subscribe(app, self.mark_screen)
        self.mark_screen(app.screen)

    def ticket_at_window(self, _: object) -> None:
        """A ticket came to the window: fetch its citizen's papers before the intake asks."""
        app: Any = self
        current = app.session.current
        if self.classroom is not None and current is not None:
            self.classroom.fetch_desk(current.id)

    def desk_arrived(self, ticket_id: int) -> None:
        app: Any = self
        screen = app.screen
        state = getattr(screen, "state", None)
        redraw = getattr(screen, "redraw", None)
        if getattr(state, "ticket_id", None) == ticket_id and callable(redraw):
            with contextlib.suppress(NoMatches):  # the intake closed meanwhile
                redraw()

    def desk(self, ticket_id: int | None) -> Desk | None:
        training = self.training
        if training is not None and ticket_id:
            return training.desk(ticket_id)
        simulated = getattr(self.demo, "desk", None)  # a simulated citizen of the living demo
        desk: Desk | None = simulated(ticket_id) if callable(simulated) and ticket_id else None
        return desk

    async def on_event(self, event: events.Event) -> None:
        training = self.training
        if training is not None and isinstance(event, events.Key):
            training.key_pressed()
        await super().on_event(event)  # type: ignore[misc]

    def mark_screen(self, screen: Screen[Any]) -> None:
        """Every screen shown while a scenario runs (or in a classroom) carries the mark. In
        the living demo a screen's status line says "demo" already; the login, the intake and
        the ledger have none, so they carry the mark."""
        marked = self.training is not None or self.classroom is not None
        marked = marked or self.trainer_in_classroom
        if marked and not screen.query(".demo-mark"):
            screen.mount(DemoMark())
        elif not marked and self.demo is not None:
            # A screen just pushed has not composed yet: look once it has painted.
            screen.call_after_refresh(self.mark_unless_status_line, screen)

    def mark_unless_status_line(self, screen: Screen[Any]) -> None:
        from textual.screen import ModalScreen

        from screens.widgets.status_line import StatusLine

        def says_demo(shown: Screen[Any]) -> bool:
            return bool(shown.query(StatusLine) or shown.query(".demo-mark"))

        if not screen.is_attached or says_demo(screen):
            return
        stack: list[Screen[Any]] = list(getattr(self, "screen_stack", []))
        # A dialog shows the screen under it: its status line or mark says it already (a
        # second mark lay over the status line's own and cut "演示" to "演").
        under = stack[stack.index(screen) - 1] if screen in stack[1:] else None
        if isinstance(screen, ModalScreen) and under is not None and says_demo(under):
            return
        screen.mount(DemoMark())

    def action_trainee_report(self) -> None:
        if self.training is not None:
            self.show_trainee_report()

    def action_trainer_restart(self) -> None:
        if self.training is not None:
            self.restart_scenario()

    @work(exclusive=True, group="trainer-restart", exit_on_error=False)
    async def restart_scenario(self) -> None:
        training = self.training
        if training is None:
            return
        app: Any = self
        try:
            await training.restart()
        except CentralError as error:
            app.notify(t("training.trainer.not_restarted", reason=error.message), markup=False)
            return
        app.notify(t("training.trainer.restarted"), markup=False)

    def action_trainer_pause(self) -> None:
        toggle = getattr(self.demo, "toggle_pause", None)
        if toggle is None or getattr(self.demo, "simulator", None) is None:
            return
        paused = toggle()
        app: Any = self
        key = "training.trainer.paused" if paused else "training.trainer.resumed"
        app.notify(t(key), markup=False)

    def action_trainer_ticket(self) -> None:
        if getattr(self.demo, "issue_ticket", None) is None:
            return
        app: Any = self

        def chosen(queue: str | None) -> None:
            if queue:
                self.trainer_ticket(queue)

        if not isinstance(app.screen, TrainerTicketScreen):
            app.push_screen(TrainerTicketScreen(), chosen)

    @work(group="trainer-ticket", exit_on_error=False)
    async def trainer_ticket(self, queue: str) -> None:
        app: Any = self
        try:
            number = await self.demo.issue_ticket(queue)
        except CentralError as error:
            app.notify(t("training.trainer.not_issued", reason=error.message), markup=False)
            return
        app.notify(t("training.trainer.issued", number=number), markup=False)

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
