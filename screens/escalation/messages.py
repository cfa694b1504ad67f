"""Messages the escalation screens' workers post; the screens' handlers own what they change.

Failures are posted as screens.messages.ApiFailed: the screen shows what it can at the field,
and the message bubbles on to the App, which gives the one clear notice (or asks to log in).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from client.escalation_models import Escalation, EscalationList
from client.models import Department


@dataclass
class EscalationSaved(Message):
    """Registered, or a supervisor step taken: the escalation as it now stands."""

    escalation: Escalation
    action: str = "register"


@dataclass
class EscalationLoaded(Message):
    escalation: Escalation


@dataclass
class EscalationsLoaded(Message):
    answer: EscalationList


@dataclass
class DepartmentsLoaded(Message):
    departments: list[Department]


@dataclass
class EscalationChanged(Message):
    """A live `escalation.changed` event for ledger number `no`: re-fetch what is shown."""

    no: str | None


@dataclass
class ExportDone(Message):
    path: Path
    rows: int
    error: str | None = None
