"""The supervisor's steps on one escalation, shared by the ledger (on the highlighted row) and
the detail screen: keys apply only in the states the state machine allows (greyed otherwise),
each opens its dialog, and a worker sends the step and posts the answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from textual import work
from textual.binding import Binding
from textual.screen import Screen

from client.api import CentralClient
from client.escalation_models import (
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    Escalation,
    OutOfScope,
    step_allowed,
)
from client.models import Department
from screens.context import host
from screens.escalation.common import is_supervisor
from screens.escalation.dialogs import (
    EscalationDialog,
    Values,
    assign_dialog,
    callback_dialog,
    note_dialog,
    out_of_scope_dialog,
)
from screens.escalation.messages import DepartmentsLoaded, EscalationSaved
from screens.failures import reports_failure
from screens.footer_room import greyed_that_fit
from screens.worker_errors import SaysWorkerErrors

# The step keys themselves: counter.core.keys.ESCALATION_STEPS (ledger and detail alike).
STEP_ACTIONS = ("assign", "progress", "resolve", "callback", "close", "out_of_scope")

Send = Callable[[CentralClient], Awaitable[Escalation]]


def request_for(step: str, no: str, values: Values) -> Send:
    """The API call a dialog's values stand for."""
    if step == "assign":
        body = AssignRequest(
            department=values["department"],
            handler=values["handler"],
            handler_phone=values.get("handler_phone", ""),
            category=cast("Any", values.get("category") or None),
            note=values.get("note", ""),
        )
        return lambda client: client.assign_escalation(no, body)
    if step == "progress":
        return lambda client: client.escalation_progress(no, values["text"])
    if step == "resolve":
        return lambda client: client.resolve_escalation(no, values["text"])
    if step == "callback":
        answer = CallbackRequest(
            satisfaction=cast("Any", values["satisfaction"]), note=values.get("note", "")
        )
        return lambda client: client.escalation_callback(no, answer)
    if step == "close":
        closing = CloseRequest(note=values.get("text", ""))
        return lambda client: client.close_escalation(no, closing)
    scope = OutOfScope(
        reason=cast("Any", values["reason"]),
        explanation=values["explanation"],
        channel=values["channel"],
    )
    return lambda client: client.close_escalation(no, CloseRequest(out_of_scope=scope))


class SupervisorSteps(SaysWorkerErrors, Screen[None]):
    """Base of the ledger and the detail screen. Subclasses say which escalation is selected."""

    def __init__(self) -> None:
        super().__init__()
        self.stepping = False
        self.departments: list[Department] = []

    def selected(self) -> Escalation | None:
        raise NotImplementedError

    def step_applies(self, step: str) -> bool | None:
        """True: applies; None: greyed (wrong state or a step in flight); False: not shown.
        As on the counter screen, greyed steps show only while the footer has room for them."""
        applies = self.step_state(step)
        if applies is None and f"step('{step}')" not in greyed_that_fit(self, self._state_of):
            return False
        return applies

    def _state_of(self, binding: Binding) -> bool | None:
        if binding.action.startswith("step('"):
            return self.step_state(binding.action[len("step('") : -len("')")])
        return True

    def step_state(self, step: str) -> bool | None:
        """Whether a step applies to the selected escalation, whatever the footer's room."""
        if not is_supervisor(self.app):
            return False
        escalation = self.selected()
        if escalation is None or self.stepping or not step_allowed(step, escalation.status):
            return None
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step" and parameters:
            return self.step_applies(str(parameters[0]))
        return True

    def on_resize(self) -> None:
        self.refresh_bindings()

    def known_departments(self) -> list[Department]:
        hall = host(self.app).session.hall
        return list(hall.departments) if hall is not None else self.departments

    @work(exclusive=True, group="escalation-departments", exit_on_error=False)
    async def load_departments(self) -> None:
        """A supervisor who did not sign on at a window has no hall loaded yet."""
        with reports_failure(self, "escalation_hall", quiet=True):
            hall = await host(self.app).client.hall()
            self.post_message(DepartmentsLoaded(list(hall.departments)))

    def on_departments_loaded(self, message: DepartmentsLoaded) -> None:
        message.stop()
        self.departments = message.departments

    def action_step(self, step: str) -> None:
        escalation = self.selected()
        if escalation is None or self.step_applies(step) is not True:
            return
        dialog: EscalationDialog
        if step == "assign":
            dialog = assign_dialog(escalation, self.known_departments())
        elif step in ("progress", "resolve", "close"):
            dialog = note_dialog(step, escalation)
        elif step == "callback":
            dialog = callback_dialog(escalation)
        else:
            dialog = out_of_scope_dialog(escalation)
        no = escalation.no

        def chosen(values: Values | None) -> None:
            if values is None:
                return
            self.stepping = True
            self.refresh_bindings()
            self.send_step(step, request_for(step, no, values))

        self.app.push_screen(dialog, chosen)

    @work(exclusive=True, group="escalation-step", exit_on_error=False)
    async def send_step(self, step: str, send: Send) -> None:
        with reports_failure(self, f"escalation_{step}"):
            answer = await send(host(self.app).client)
            self.post_message(EscalationSaved(answer, step))

    def step_failed(self) -> None:
        self.stepping = False
        self.refresh_bindings()
