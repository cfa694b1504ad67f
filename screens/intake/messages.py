"""Messages of the intake: what its workers post and its step widgets say (handlers on
IntakeScreen own the state), and the one the intake sends out to the App: a 办不成事
escalation, prefilled from the case in hand."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from client.case_models import Applicant, Case, DueDateAnswer, MaterialState
from client.errors import CentralError
from counter.core.catalog_cache import LoadedCatalog
from counter.core.intake_draft import Draft


@dataclass
class CatalogReady(Message):
    loaded: LoadedCatalog


@dataclass
class CatalogFailed(Message):
    error: CentralError


@dataclass
class EarlierCases(Message):
    """The applicant's earlier cases (looked up by ID number / credit code)."""

    lookup_id: str
    cases: list[Case]


@dataclass
class DuePreview(Message):
    answer: DueDateAnswer


@dataclass
class CaseStored(Message):
    case: Case
    adopted: bool = False  # found already stored after an attempt whose answer was lost


@dataclass
class SubmitFailed(Message):
    error: CentralError


@dataclass
class DraftsFound(Message):
    drafts: list[Draft]


@dataclass
class DocumentDone(Message):
    """Printing or saving the document finished: `ok`, and the path or the reason."""

    what: str  # "print" | "save"
    ok: bool
    detail: str


@dataclass
class IntakeEscalation(Message):
    """办不成事: the clerk raises an escalation from the intake, with what is known prefilled.

    Posted on the IntakeScreen; it bubbles to the App, which opens the escalation form.
    `applicant` carries the full ID number (the form needs it); show it masked.
    """

    item_code: str | None
    item_name: str
    case_no: str | None
    ticket_id: int | None
    ticket_number: str | None
    window_no: int | None
    applicant: Applicant | None
    summary: str


# --- what the step widgets say when their keys are pressed (the screen decides) --------------


class StepNext(Message):
    """Enter on a step: go on (choose the item, check the applicant, decide, submit, close)."""


class StepBack(Message):
    """Esc on a step: back one step (or leave the intake from the first)."""


@dataclass
class MarkMaterial(Message):
    """A key on the checklist marks the highlighted material."""

    state: MaterialState


class MarkAll(Message):
    """Every material received."""


class NoteMaterial(Message):
    """Write a note on the highlighted material."""


class ViewEarlier(Message):
    """Show the applicant's earlier one-time notice."""
