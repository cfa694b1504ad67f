"""Where the rest of the terminal opens the escalation screens (one call each, for the App and
the counter screen)."""

from __future__ import annotations

from typing import Any

from textual.app import App

from screens.context import host
from screens.escalation.common import (
    is_supervisor,
    prefill_from_intake,
    prefill_from_session,
)
from screens.escalation.form import EscalationForm
from screens.escalation.ledger import LedgerScreen
from screens.escalation.lists import MyEscalationsScreen

__all__ = [
    "open_escalations",
    "raise_from_counter",
    "raise_from_intake",
]


def raise_from_counter(app: App[object]) -> None:
    """F9 / e on the counter screen: the form, prefilled with the ticket at the window."""
    app.push_screen(EscalationForm(prefill=prefill_from_session(host(app).session)))


def raise_from_intake(app: App[Any], message: object) -> None:
    """The intake's IntakeEscalation: the form, prefilled with ticket, case, item, applicant."""
    app.push_screen(EscalationForm(prefill=prefill_from_intake(message)))


def open_escalations(app: App[object]) -> None:
    """A supervisor gets the hall's ledger; a clerk their own escalations."""
    app.push_screen(LedgerScreen() if is_supervisor(app) else MyEscalationsScreen())
