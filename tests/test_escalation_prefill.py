"""F9 on the counter prefills what is at hand: the ticket, and the case just taken for it."""

from __future__ import annotations

from datetime import datetime, timezone

from client.case_models import Applicant, Case
from client.models import Ticket, Window, WindowQueue
from counter.core.session import Session
from screens.escalation.common import prefill_from_session

NOW = datetime(2026, 11, 17, 1, 30, tzinfo=timezone.utc)


def ticket(ticket_id: int, number: str) -> Ticket:
    return Ticket(
        id=ticket_id, number=number, queue="A", kind="walk_in", status="serving", issued_at=NOW
    )


def at_window(current: Ticket) -> Session:
    session = Session()
    session.apply_window(
        Window(
            no=5,
            name="综合窗口 5",
            general=True,
            queues=[WindowQueue(prefix="A", priority=1)],
            status="serving",
            current_ticket=current,
        )
    )
    return session


def case_for(ticket_id: int) -> Case:
    return Case(
        case_no="ZC2026111700003",
        item_code="BDC-001",
        item_name="不动产登记（首次登记）",
        department_name="市不动产登记中心",
        decision="notice",
        created_at=NOW,
        applicant=Applicant(kind="person", name="王秀英", mobile="13800138000"),
        checklist=[],
        staff_no="1005",
        staff_name="陈静",
        ticket_id=ticket_id,
    )


def test_the_case_taken_for_this_ticket_is_prefilled() -> None:
    session = at_window(ticket(7, "A007"))
    session.last_case = case_for(7)
    prefill = prefill_from_session(session)
    assert (prefill.ticket_number, prefill.case_no) == ("A007", "ZC2026111700003")
    assert (prefill.item_code, prefill.reporter_name) == ("BDC-001", "王秀英")
    assert prefill.reporter_phone == "13800138000"


def test_a_case_of_an_earlier_ticket_is_not() -> None:
    session = at_window(ticket(8, "A008"))
    session.last_case = case_for(7)
    prefill = prefill_from_session(session)
    assert (prefill.ticket_number, prefill.case_no, prefill.reporter_name) == ("A008", None, "")
