"""The board's interventions: call a named ticket to a window, move, cancel or reactivate a
ticket, sign a window off, change a window's queues, sign on oneself; acknowledge an alert and
jump to what it is about. Each goes to the central, which audits it and refuses with a
sentence; a refusal stays in the dialog (or is one notice), and the board re-fetches after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from client.models import WindowQueue
from client.supervisor_models import Alert, BoardWindow
from counter.core.i18n import t
from screens.context import host
from screens.failures import reports_failure
from screens.messages import SignedOn
from screens.supervisor.messages import JumpTo
from screens.supervisor.prompt import Field, PromptScreen
from screens.text import clean
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:
    from client.api import CentralClient

WINDOW_ACTIONS = ("call_ticket", "sign_off", "window_queues", "sign_on")
TICKET_ACTIONS = ("move", "cancel_ticket", "reactivate")


def parse_queues(text: str) -> list[WindowQueue] | None:
    """ "A1 F2" or "A,F" (priority by order) → queues; None when it cannot be read."""
    found: list[WindowQueue] = []
    for index, part in enumerate(text.replace(",", " ").split(), 1):
        prefix, digits = part[:1].upper(), part[1:]
        if not prefix.isalpha() or (digits and not digits.isdigit()):
            return None
        found.append(WindowQueue(prefix=prefix, priority=int(digits) if digits else index))
    return found or None


class BoardActions(SaysWorkerErrors):
    """Mixed into HallBoardScreen (which provides selected_window, selected_alert, tab, load)."""

    if TYPE_CHECKING:
        tab: str
        app: Any

        def selected_window(self) -> BoardWindow | None: ...
        def selected_alert(self) -> Alert | None: ...
        def load(self) -> Any: ...
        def notify(self, message: str, **kw: Any) -> None: ...
        def post_message(self, message: Any) -> bool: ...

    @property
    def client(self) -> CentralClient:
        return host(self.app).client

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A key of another tab is left out of the footer (False: 80 columns hold only the
        keys of the tab in view); a key of this tab that does not apply to the selected row
        is shown greyed (None)."""
        tab_of = {"ack": "alerts", "open_alert": "alerts", "export_report": "reports",
                  "more_cases": "reports",
                  "record_callback": "callbacks", "callback_day": "callbacks"}  # fmt: skip
        if action in WINDOW_ACTIONS or action in TICKET_ACTIONS:
            if self.tab != "board":
                return False
        elif action in tab_of and self.tab != tab_of[action]:
            return False
        if action in WINDOW_ACTIONS:
            window = self.selected_window()
            if window is None:
                return None
            if action == "sign_off":
                return window.status != "signed_off" or None
            if action == "sign_on":
                return window.status == "signed_off" or None
            if action == "call_ticket":
                return window.status == "idle" or None
            return True
        if action in TICKET_ACTIONS or action == "open_alert":
            return True
        if action == "ack":
            alert = self.selected_alert()
            return (alert is not None and alert.acked_at is None) or None
        if action == "export_report":
            return getattr(self, "report", None) is not None or None
        if action == "more_cases":
            shown = getattr(self, "report", None)
            return (shown is not None and shown.cases_next is not None) or None
        if action == "record_callback":
            chosen = getattr(self, "selected_callback", lambda: None)()
            return (chosen is not None and chosen.recorded_at is None) or None
        return True

    def ask(self, title: str, fields: list[Field], send: Any) -> None:
        def after(done: bool | None) -> None:
            if done:
                self.load()

        self.app.push_screen(PromptScreen(title, fields, send), after)

    def number_field(self) -> Field:
        return Field("number", t("board.f.number"), t("board.f.number_hint"), max_length=16)

    # --- windows ----------------------------------------------------------------------------

    def action_call_ticket(self) -> None:
        window = self.selected_window()
        if window is None:
            return

        async def send(values: dict[str, str | bool]) -> str | None:
            number = str(values["number"])
            if not number:
                return t("board.need_number")
            called = await self.client.call_ticket(window.no, number=number)
            self.notify(t("counter.announce", number=clean(called.number), window=window.no))
            return None

        self.ask(t("board.call_title", no=window.no), [self.number_field()], send)

    def action_sign_off(self) -> None:
        window = self.selected_window()
        if window is not None:
            self.sign_off(window.no)

    @work(exclusive=True, group="board-step", exit_on_error=False)
    async def sign_off(self, no: int) -> None:
        with reports_failure(self, "board_sign_off"):
            await self.client.sign_off(no)
            self.notify(t("board.signed_off", no=no), markup=False)
            self.load()

    def action_window_queues(self) -> None:
        window = self.selected_window()
        if window is None:
            return
        now = " ".join(f"{q.prefix}{q.priority}" for q in window.queues)

        async def send(values: dict[str, str | bool]) -> str | None:
            queues = parse_queues(str(values["queues"]))
            if queues is None:
                return t("board.bad_queues")
            await self.client.set_window_queues(
                window.no, queues, for_good=bool(values["for_good"])
            )
            return None

        fields = [
            Field("queues", t("board.f.queues"), t("board.f.queues_hint"), value=now),
            Field("for_good", t("board.f.for_good"), t("board.f.for_good_box"), check=True),
        ]
        self.ask(t("board.queues_title", no=window.no), fields, send)

    def action_sign_on(self) -> None:
        window = self.selected_window()
        if window is not None:
            self.sign_on(window.no)

    @work(exclusive=True, group="board-step", exit_on_error=False)
    async def sign_on(self, no: int) -> None:
        with reports_failure(self, "board_sign_on"):
            window = await self.client.sign_on(no)
            self.app.post_message(SignedOn(window))

    # --- tickets ----------------------------------------------------------------------------

    def action_move(self) -> None:
        async def send(values: dict[str, str | bool]) -> str | None:
            target = str(values["to"]).strip()
            if not values["number"] or not target:
                return t("board.need_move")
            ticket = await self.client.ticket_by_number(str(values["number"]))
            if target.isdigit():
                await self.client.move_ticket(ticket.id, window_no=int(target))
            else:
                await self.client.move_ticket(ticket.id, queue=target)
            return None

        fields = [self.number_field(), Field("to", t("board.f.to"), t("board.f.to_hint"))]
        self.ask(t("board.move_title"), fields, send)

    def _ticket_step(self, title: str, step: str) -> None:
        async def send(values: dict[str, str | bool]) -> str | None:
            if not values["number"]:
                return t("board.need_number")
            ticket = await self.client.ticket_by_number(str(values["number"]))
            if step == "cancel":
                await self.client.cancel(ticket.id)
            else:
                await self.client.reactivate(ticket.id)
            return None

        self.ask(title, [self.number_field()], send)

    def action_cancel_ticket(self) -> None:
        self._ticket_step(t("board.cancel_title"), "cancel")

    def action_reactivate(self) -> None:
        self._ticket_step(t("board.reactivate_title"), "reactivate")

    # --- alerts -----------------------------------------------------------------------------

    def action_ack(self) -> None:
        alert = self.selected_alert()
        if alert is not None:
            self.acknowledge(alert.id)

    @work(exclusive=True, group="board-step", exit_on_error=False)
    async def acknowledge(self, alert_id: int) -> None:
        with reports_failure(self, "board_ack"):
            await self.client.acknowledge_alert(alert_id)
            self.load()

    def action_open_alert(self) -> None:
        alert = self.selected_alert()
        if alert is not None:
            self.open_subject(alert)

    @work(exclusive=True, group="board-step", exit_on_error=False)
    async def open_subject(self, alert: Alert) -> None:
        """Enter on an alert: the window or queue row on the board, the 差评, the escalation."""
        kind = alert.subject_type
        if kind == "window":
            self.post_message(JumpTo("w", alert.subject_id))
        elif kind == "queue":
            self.post_message(JumpTo("q", alert.subject_id))
        elif kind == "ticket":
            with reports_failure(self, "board_alert"):
                ticket = await self.client.ticket(int(alert.subject_id))
                if ticket.window_no is not None and ticket.status in ("called", "serving"):
                    self.post_message(JumpTo("w", str(ticket.window_no)))
                else:
                    self.post_message(JumpTo("q", ticket.queue))
        elif kind in ("rating", "callback"):  # a 差评, or a dissatisfied callback put there
            from screens.ratings.review_queue import BadQueueScreen

            self.app.push_screen(BadQueueScreen())
        elif kind == "escalation":
            from screens.escalation.detail import EscalationDetailScreen

            self.app.push_screen(EscalationDetailScreen(alert.subject_id))
