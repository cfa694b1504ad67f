"""What the escalation screens share: names of states and categories, the due-date cell (overdue
shown by words and reverse video, not by colour alone), the form's prefill, and live refresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import App
from textual.screen import Screen

from client.escalation_models import Escalation, ReporterKind
from client.models import Event
from counter.core.i18n import t
from screens.context import host
from screens.escalation.messages import EscalationChanged
from screens.live import hear_hall
from screens.text import clean

if TYPE_CHECKING:
    from counter.core.session import Session


def status_text(status: str) -> str:
    return t(f"escalation.status.{status}")


def category_text(category: str) -> str:
    return t(f"escalation.category.{category}")


def channel_text(channel: str) -> str:
    return t(f"escalation.channel.{channel}")


def satisfaction_text(satisfaction: str) -> str:
    return t(f"escalation.satisfaction.{satisfaction}")


def reason_text(reason: str) -> str:
    return t(f"escalation.reason.{reason}")


def action_text(action: str) -> str:
    return t(f"escalation.action.{action}")


def deadline_note(escalation: Escalation) -> str:
    """ "overdue 2 working days" / "due soon" / "" — the words carry it without colour."""
    if escalation.overdue:
        return t("escalation.overdue_days", days=escalation.overdue_days)
    if escalation.due_soon:
        return t("escalation.due_soon")
    return ""


def due_cell(escalation: Escalation, today: date | None = None) -> Text:
    """The due date for a table cell: month-day in the current year, and a short deadline word;
    overdue in reverse video (readable on 16 colours and with NO_COLOR)."""
    due = escalation.due_date
    shown = f"{due:%m-%d}" if today is not None and due.year == today.year else due.isoformat()
    if escalation.due_guessed:
        shown += "?"
    if escalation.overdue:
        late = t("escalation.late_short", days=escalation.overdue_days)
        return Text(f"{shown} {late}", style="bold reverse")
    if escalation.due_soon:
        return Text.assemble(shown, " ", (t("escalation.soon_short"), "bold"))
    return Text(shown)


def short(value: object, width: int) -> str:
    """API text for a table cell: cleaned, one line, cut to about `width` cells."""
    text = " ".join(clean(value).split())
    cells = 0
    for index, char in enumerate(text):
        cells += 2 if ord(char) > 0x2E7F else 1
        if cells > width:
            return text[: max(index - 1, 0)] + "…"
    return text


def when(moment_date: date | None) -> str:
    return moment_date.isoformat() if moment_date is not None else ""


def is_supervisor(app: App[object]) -> bool:
    staff = host(app).session.staff
    return staff is not None and staff.role in ("supervisor", "admin")


@dataclass(frozen=True)
class EscalationPrefill:
    """What is at hand when the clerk presses F9: the ticket, the case, the item, the person."""

    ticket_id: int | None = None
    ticket_number: str | None = None
    case_no: str | None = None
    item_code: str | None = None
    item_name: str | None = None
    reporter_kind: ReporterKind = "person"
    reporter_name: str = ""
    reporter_phone: str = ""
    contact_person: str = ""
    description: str = ""


def prefill_from_session(
    session: Session,
    *,
    case_no: str | None = None,
    item_code: str | None = None,
    item_name: str | None = None,
) -> EscalationPrefill:
    """From the counter screen: the ticket in front of the clerk, and the case just taken
    for it at this window (its item and applicant) when there is one."""
    current = session.current
    case = session.last_case
    if case is not None and current is not None and case.ticket_id == current.id:
        applicant = case.applicant
        return EscalationPrefill(
            ticket_id=current.id,
            ticket_number=current.number,
            case_no=case_no or case.case_no,
            item_code=item_code or case.item_code,
            item_name=item_name or case.item_name,
            reporter_kind="enterprise" if applicant.kind == "enterprise" else "person",
            reporter_name=applicant.name,
            reporter_phone=applicant.mobile or (applicant.agent.mobile if applicant.agent else ""),
            contact_person=applicant.contact or (applicant.agent.name if applicant.agent else ""),
        )
    return EscalationPrefill(
        ticket_id=current.id if current is not None else None,
        ticket_number=current.number if current is not None else None,
        case_no=case_no,
        item_code=item_code,
        item_name=item_name,
    )


def prefill_from_intake(message: object) -> EscalationPrefill:
    """From the intake's IntakeEscalation message (screens/intake/messages.py), duck-typed."""
    applicant = getattr(message, "applicant", None)
    kind: ReporterKind = "person"
    name = phone = contact = ""
    if applicant is not None:
        kind = "enterprise" if applicant.kind == "enterprise" else "person"
        name, phone = applicant.name, applicant.mobile
        contact = applicant.contact or (applicant.agent.name if applicant.agent else "")
        if not phone and applicant.agent is not None:
            phone = applicant.agent.mobile
    return EscalationPrefill(
        ticket_id=getattr(message, "ticket_id", None),
        ticket_number=getattr(message, "ticket_number", None),
        case_no=getattr(message, "case_no", None),
        item_code=getattr(message, "item_code", None),
        item_name=getattr(message, "item_name", None) or None,
        reporter_kind=kind,
        reporter_name=name,
        reporter_phone=phone,
        contact_person=contact,
        description=getattr(message, "summary", "") or "",
    )


def hear_escalations(screen: Screen[Any]) -> None:
    """An escalation screen hears each live `escalation.changed` as an EscalationChanged
    message (it re-fetches and debounces bursts itself)."""

    def heard(event: Event) -> None:
        if event.type == "escalation.changed":
            screen.post_message(EscalationChanged(event.object_id))

    hear_hall(screen, heard)
