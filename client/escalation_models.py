"""Wire models of the 办不成事 escalation ledger (反映窗口台账), DESIGN.md §2.

An escalation is registered by a clerk (or supervisor) and walks, by supervisor actions only:

    registered ─assign→ assigned ─progress→ in_progress ─resolve→ resolved ─callback→ called_back
        ─close→ closed;   registered|assigned|in_progress ─close(out_of_scope)→ out_of_scope

(assign again from assigned/in_progress re-routes it; progress may be recorded many times;
assigned may be resolved directly.) Every step appends to the timeline; nothing is edited.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import Field

from client.models import Wire
from client.transitions import Transition, allows

EscalationStatus = Literal[
    "registered", "assigned", "in_progress", "resolved", "called_back", "closed", "out_of_scope"
]
ESCALATION_STATUSES: tuple[EscalationStatus, ...] = (
    "registered",
    "assigned",
    "in_progress",
    "resolved",
    "called_back",
    "closed",
    "out_of_scope",
)
# States in which the handling deadline runs (a resolved one is no longer overdue).
OPEN_STATUSES: tuple[EscalationStatus, ...] = ("registered", "assigned", "in_progress")
TERMINAL_STATUSES: tuple[EscalationStatus, ...] = ("closed", "out_of_scope")
# 疑难 / 复杂 / 紧急
EscalationCategory = Literal["difficult", "complex", "urgent"]
ESCALATION_CATEGORIES: tuple[EscalationCategory, ...] = ("difficult", "complex", "urgent")
# 窗口 / 电话 / 12345 热线 / 网上
EscalationChannel = Literal["window", "phone", "12345", "online"]
ESCALATION_CHANNELS: tuple[EscalationChannel, ...] = ("window", "phone", "12345", "online")
ReporterKind = Literal["person", "enterprise"]
# 满意 / 基本满意 / 不满意 (回访)
Satisfaction = Literal["satisfied", "basically_satisfied", "dissatisfied"]
SATISFACTIONS: tuple[Satisfaction, ...] = ("satisfied", "basically_satisfied", "dissatisfied")
# 涉法涉诉 / 信访 / 民事纠纷: not the hall's to handle; closed with the right channel.
OutOfScopeReason = Literal["litigation", "petition", "private_dispute"]
OUT_OF_SCOPE_REASONS: tuple[OutOfScopeReason, ...] = ("litigation", "petition", "private_dispute")
EscalationAction = Literal[
    "register", "assign", "progress", "resolve", "callback", "close", "out_of_scope"
]
# The state machine, defined once (the server enforces it, the terminal greys out keys by it).
_OPEN: tuple[EscalationStatus, ...] = ("registered", "assigned", "in_progress")
STEPS: dict[str, Transition[EscalationStatus]] = {
    "assign": Transition(_OPEN, "assigned", "assigned"),
    "progress": Transition(("assigned", "in_progress"), "in_progress", "given a progress note"),
    "resolve": Transition(("assigned", "in_progress"), "resolved", "resolved"),
    "callback": Transition(("resolved",), "called_back", "given a callback result"),
    "close": Transition(("called_back",), "closed", "closed"),
    "out_of_scope": Transition(_OPEN, "out_of_scope", "closed as out of scope"),
}


def step_allowed(step: str, status: str) -> bool:
    return allows(STEPS, step, status)


_PHONE = re.compile(r"[0-9+\-() ]+")


def phone_problem(phone: str) -> str | None:
    """Why a call-back number is not usable (None: fine). Landlines (0591-87654321), mobiles
    and 12345 extensions all pass; the server and the form apply the same rule."""
    value = phone.strip()
    digits = sum(c.isdigit() for c in value)
    if not _PHONE.fullmatch(value) or not 5 <= digits <= 20:
        return "digits only (with + - ( ) or spaces), 5 to 20 digits"
    return None


class Reporter(Wire):
    """Who could not get the thing done: a person or an enterprise, and how to reach them."""

    kind: ReporterKind = "person"
    name: str = Field(min_length=1, max_length=128, description="person or enterprise name")
    phone: str = Field(min_length=1, max_length=32, description="a number to call back on")
    contact_person: str = Field(default="", max_length=64, description="for an enterprise")


class EscalationRequest(Wire):
    """POST /v1/escalations."""

    reporter: Reporter
    channel: EscalationChannel = "window"
    category: EscalationCategory
    description: str = Field(
        min_length=1, max_length=2000, description="what could not be done, and why"
    )
    ticket_id: int | None = Field(default=None, ge=1, lt=2**63)
    case_no: str | None = Field(default=None, max_length=40, description="办件编号")
    item_code: str | None = Field(default=None, max_length=40, description="事项编码")


class AssignRequest(Wire):
    """交办: the department and person who must handle it; optionally re-graded."""

    department: str = Field(min_length=1, max_length=32, description="department code")
    handler: str = Field(min_length=1, max_length=64, description="the handling person")
    handler_phone: str = Field(default="", max_length=32)
    category: EscalationCategory | None = Field(
        default=None, description="re-grade: the due date is counted again from registration"
    )
    note: str = Field(default="", max_length=500)


class ProgressRequest(Wire):
    note: str = Field(min_length=1, max_length=1000, description="what has been done so far")


class ResolveRequest(Wire):
    result: str = Field(min_length=1, max_length=2000, description="办理结果")


class CallbackRequest(Wire):
    """回访: the reporter was called back; their satisfaction."""

    satisfaction: Satisfaction
    note: str = Field(default="", max_length=1000)


class OutOfScope(Wire):
    reason: OutOfScopeReason
    explanation: str = Field(min_length=1, max_length=1000, description="told to the reporter")
    channel: str = Field(min_length=1, max_length=200, description="where to go instead")


class CloseRequest(Wire):
    """销号 after the callback, or — with `out_of_scope` — closing a matter not the hall's."""

    note: str = Field(default="", max_length=1000)
    out_of_scope: OutOfScope | None = None


class EscalationStep(Wire):
    """One line of the timeline (who, when, what): appended, never changed."""

    seq: int
    at: datetime
    action: EscalationAction
    status: EscalationStatus = Field(description="the state after this step")
    actor: str = Field(description="staff number")
    actor_name: str
    note: str = ""
    details: dict[str, str] = Field(default_factory=dict)


class Escalation(Wire):
    no: str = Field(description="ledger number, BBC-YYYYMMDD-NNNN")
    status: EscalationStatus
    category: EscalationCategory
    channel: EscalationChannel
    reporter: Reporter
    description: str
    ticket_id: int | None = None
    ticket_number: str | None = None
    case_no: str | None = None
    item_code: str | None = None
    item_name: str | None = None
    registered_at: datetime
    registered_by: str
    registered_by_name: str
    window_no: int | None = None
    department: str | None = None
    department_name: str | None = None
    handler: str | None = None
    handler_phone: str | None = None
    due_date: date
    due_guessed: bool = Field(
        default=False, description="the due date lies in a year without an official calendar"
    )
    result: str | None = None
    satisfaction: Satisfaction | None = None
    callback_note: str | None = None
    out_of_scope: OutOfScope | None = None
    updated_at: datetime
    closed_at: datetime | None = None
    overdue: bool = Field(default=False, description="open, and the due date has passed")
    overdue_days: int = Field(default=0, description="working days past the due date")
    due_soon: bool = Field(default=False, description="open, due today or the next working day")
    timeline: list[EscalationStep] = Field(
        default_factory=list, description="every step, oldest first (GET one only)"
    )


class EscalationList(Wire):
    as_of: datetime
    today: date = Field(description="the hall-local day overdue and due-soon were computed for")
    items: list[Escalation]
    total: int | None = Field(default=None, description="how many match the filters in all")
    next_after: int | None = Field(
        default=None, description="pass as ?after= for the next (older) page; None: no more"
    )
