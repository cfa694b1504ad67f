"""counter.core.session: which counter actions apply in which window state (no Textual involved)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from client.models import QueuesResponse, QueueStats, Staff, Ticket, Window, WindowQueue
from counter.core.session import TICKET_ACTIONS, Session

NOW = datetime(2026, 11, 17, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def ticket(status: str, number: str = "A012", **extra: Any) -> Ticket:
    fields: dict[str, Any] = {
        "id": int(number[1:]),
        "number": number,
        "queue": number[0],
        "kind": "walk_in",
        "status": status,
        "issued_at": NOW - timedelta(minutes=17),
        "window_no": 5,
    }
    fields.update(extra)
    return Ticket(**fields)


def session(status: str = "idle", current: Ticket | None = None, held: int = 0) -> Session:
    s = Session()
    s.signed_in_as(Staff(staff_no="1005", name="陈静", role="clerk"), "token")
    s.apply_window(
        Window(
            no=5,
            name="综合窗口 5",
            general=True,
            queues=[WindowQueue(prefix="E", priority=2), WindowQueue(prefix="A", priority=1)],
            status=status,  # type: ignore[arg-type]
            current_ticket=current,
        )
    )
    s.held = [ticket("held", f"A{100 + i}") for i in range(held)]
    return s


def applicable(s: Session) -> set[str]:
    return {action for action in TICKET_ACTIONS if s.can(action)}


def test_nothing_applies_before_sign_in_or_sign_on() -> None:
    assert applicable(Session()) == set()
    assert applicable(session("signed_off")) == set()


def test_idle_window_calls_next_or_pauses() -> None:
    assert applicable(session("idle")) == {"call_next", "pause"}


def test_called_ticket_recall_no_show_start_transfer() -> None:
    s = session("calling", ticket("called"))
    assert applicable(s) == {"recall", "no_show", "start", "transfer"}


def test_serving_ticket_finish_hold_transfer() -> None:
    s = session("serving", ticket("serving"))
    assert applicable(s) == {"finish", "hold", "transfer"}
    assert s.hold_or_call_back() == "hold"


def test_call_back_needs_a_held_ticket_and_no_current() -> None:
    s = session("idle", held=2)
    assert applicable(s) == {"call_next", "call_back", "pause"}
    assert s.hold_or_call_back() == "call_back"
    assert not session("serving", ticket("serving"), held=1).can("call_back")


def test_paused_window_only_resumes() -> None:
    s = session("paused", held=1)
    assert applicable(s) == {"resume"}
    assert s.pause_or_resume() == "resume"
    assert session("idle").pause_or_resume() == "pause"
    assert session("serving", ticket("serving")).pause_or_resume() is None


def test_apply_ticket_moves_the_ticket_where_it_belongs() -> None:
    s = session("idle")
    s.apply_ticket(ticket("called"))
    assert s.current is not None and s.status == "calling"
    s.apply_ticket(ticket("serving"))
    assert s.status == "serving"
    s.apply_ticket(ticket("held"))
    assert s.current is None and [h.number for h in s.held] == ["A012"]
    s.apply_ticket(ticket("serving"))  # called back
    assert s.held == [] and s.current is not None
    s.apply_ticket(ticket("done"))
    assert s.current is None and s.status == "idle" and s.served_today == 1


def test_sign_out_keeps_the_window_and_its_ticket() -> None:
    s = session("serving", ticket("serving"), held=1)
    s.signed_out()
    assert not s.signed_in and s.current is not None and len(s.held) == 1
    assert not s.can("finish")  # nothing applies until signed in again


def test_queues_are_this_windows_in_priority_order() -> None:
    s = session()
    stats = [
        QueueStats(prefix=p, name=p, waiting=1, longest_wait_s=60, issued_today=1, served_today=0)
        for p in "ABE"
    ]
    s.apply_queues(QueuesResponse(as_of=NOW, queues=stats))
    assert [q.prefix for q in s.queues] == ["A", "E"]


@pytest.mark.parametrize(("called_after", "expected"), [(None, 17), (timedelta(minutes=-5), 12)])
def test_waited_minutes(called_after: timedelta | None, expected: int) -> None:
    extra = {"called_at": NOW + called_after} if called_after is not None else {}
    assert Session.waited_minutes(ticket("called", **extra), NOW) == expected
