"""The supervisor's API: the hall board's figures, alerts (raised, seen later, acknowledged),
moving a waiting ticket, a window's queues today or for good, signing off a left window."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from central.alert_watch import check_now
from central.schema import audit
from client import errors
from client.models import WindowQueue
from client.rating_models import RatingRequest
from tests.conftest import ClientFactory, FakeClock


def audited(app: Any, action: str) -> list[Any]:
    with app.state.store.engine.connect() as conn:
        return list(conn.execute(select(audit).where(audit.c.action == action)).all())


async def test_board_figures_match_what_happened(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    kiosk, clerk, pad, boss = (
        await make_client("kiosk01"),
        await make_client("1001"),
        await make_client("pad01"),
        await make_client("2001"),
    )
    t1, t2, t3 = [await kiosk.issue_ticket("A") for _ in range(3)]
    await clerk.sign_on(1)
    clock.advance(minutes=4)  # t1 waited 240 s
    await clerk.call_next(1)
    await clerk.start(t1.id)
    clock.advance(minutes=6)  # handled 360 s
    await clerk.finish(t1.id)
    await pad.post_rating(RatingRequest(ticket_id=t1.id, level=2))
    clock.advance(minutes=2)  # t2 waited 720 s
    await clerk.call_next(1)
    await clerk.no_show(t2.id)
    await clerk.call_next(1)  # t3 called after 720 s, still at the window
    await clerk.start(t3.id)
    clock.advance(minutes=1)
    b = await boss.board()
    w1 = next(w for w in b.windows if w.no == 1)
    assert (w1.status, w1.staff_no, w1.served_today) == ("serving", "1001", 1)
    assert w1.current_ticket is not None and w1.current_ticket.id == t3.id
    assert w1.avg_handling_s == 360 and (w1.rated_today, w1.satisfaction) == (1, 0.0)
    assert w1.current_since is not None and (b.as_of - w1.current_since).total_seconds() == 60
    a = next(q for q in b.queues if q.prefix == "A")
    assert (a.issued_today, a.served_today, a.no_shows_today, a.waiting) == (3, 1, 1, 0)
    assert a.avg_wait_s == round((240 + 720 + 720) / 3)
    assert a.warn_level == 20
    with pytest.raises(errors.Forbidden):
        await clerk.board()


async def test_alerts_raised_seen_later_and_acknowledged(
    make_client: ClientFactory, central_app: Any, clock: FakeClock
) -> None:
    kiosk, clerk = await make_client("kiosk01"), await make_client("1006")
    store = central_app.state.store
    waiting = await kiosk.issue_ticket("B")
    await clerk.sign_on(6)
    await clerk.pause(6, "break")
    assert check_now(store) == []
    clock.advance(minutes=31)  # over the 30-minute wait and pause thresholds
    raised = check_now(store)
    assert check_now(store) == []  # a lasting condition is raised once
    boss = await make_client("2001")  # connects after the alerts were raised
    listed = (await boss.alerts(open_only=True)).alerts
    assert {a.id for a in listed} == set(raised)
    kinds = {(a.kind, a.subject_id) for a in listed}
    assert ("wait_over", waiting.queue) in kinds and ("paused_long", "6") in kinds
    await clerk.resume(6)
    clock.advance(minutes=4)  # window 6 idle 4 minutes while B001 waits
    idle = check_now(store)
    assert [a.kind for a in (await boss.alerts()).alerts if a.id in idle] == ["idle_waiting"]
    first = listed[0]
    acked = await boss.acknowledge_alert(first.id)
    assert acked.acked_by == "2001" and acked.acked_at is not None
    assert first.id not in {a.id for a in (await boss.alerts(open_only=True)).alerts}
    assert len(audited(central_app, "alert.acknowledge")) == 1
    with pytest.raises(errors.Forbidden):
        await clerk.acknowledge_alert(first.id)
    with pytest.raises(errors.NotFound):
        await boss.acknowledge_alert(999999)


async def test_queue_over_and_bad_rating_alerts(
    make_client: ClientFactory, central_app: Any
) -> None:
    kiosk, clerk, pad, boss = (
        await make_client("kiosk01"),
        await make_client("1008"),
        await make_client("pad08"),  # the pad at window 8
        await make_client("2001"),
    )
    for _ in range(21):
        await kiosk.issue_ticket("C")
    await clerk.sign_on(8)
    t = await clerk.call_next(8)
    assert t is not None
    await clerk.start(t.id)
    await clerk.finish(t.id)
    await pad.post_rating(RatingRequest(ticket_id=t.id, level=1, comment="太慢"))
    check_now(central_app.state.store)
    kinds = {(a.kind, a.subject_type) for a in (await boss.alerts()).alerts}
    assert ("bad_rating", "rating") in kinds
    assert ("queue_over", "queue") not in kinds  # 20 waiting: at the level, not over it
    await kiosk.issue_ticket("C")
    check_now(central_app.state.store)
    over = [a for a in (await boss.alerts()).alerts if a.kind == "queue_over"]
    assert [(a.subject_id, a.params["waiting"]) for a in over] == [("C", 21)]


async def test_move_a_waiting_ticket(make_client: ClientFactory, central_app: Any) -> None:
    kiosk, clerk, boss = (
        await make_client("kiosk01"),
        await make_client("1006"),
        await make_client("2001"),
    )
    a = await kiosk.issue_ticket("A")
    moved = await boss.move_ticket(a.id, queue="b")
    assert (moved.queue, moved.status, moved.transferred_from) == ("B", "waiting", "A")
    await clerk.sign_on(6)  # window 6 serves only B: it now calls A001
    called = await clerk.call_next(6)
    assert called is not None and called.id == a.id
    assert len(audited(central_app, "ticket.move")) == 1
    b = await kiosk.issue_ticket("A")
    moved = await boss.move_ticket(b.id, window_no=14)
    assert moved.target_window == 14
    with pytest.raises(errors.Conflict, match="already waits for window 14"):
        await boss.move_ticket(b.id, window_no=14)
    with pytest.raises(errors.Conflict, match="only a waiting ticket can be moved"):
        await boss.move_ticket(a.id, queue="C")
    with pytest.raises(errors.Invalid, match="no queue"):
        await boss.move_ticket(b.id, queue="Z")
    with pytest.raises(errors.Forbidden):
        await clerk.move_ticket(b.id, queue="C")


async def test_window_queues_for_today_come_back_tomorrow(
    make_client: ClientFactory, central_app: Any, clock: FakeClock
) -> None:
    boss = await make_client("2001")
    today = [WindowQueue(prefix="F", priority=1), WindowQueue(prefix="B", priority=2)]
    window = await boss.set_window_queues(6, today)
    assert [(q.prefix, q.priority) for q in window.queues] == [("F", 1), ("B", 2)]
    window = await boss.set_window_queues(10, [WindowQueue(prefix="E", priority=1)], for_good=True)
    with pytest.raises(errors.Invalid, match="listed twice"):
        await boss.set_window_queues(6, [today[0], today[0]])
    with pytest.raises(errors.Invalid, match="no queue"):
        await boss.set_window_queues(6, [WindowQueue(prefix="Q", priority=1)])
    clerk = await make_client("1006")
    with pytest.raises(errors.Forbidden):
        await clerk.set_window_queues(6, today)
    clock.advance(days=1)
    check_now(central_app.state.store)
    boss = await make_client("2001")  # yesterday's token has expired
    assert [q.prefix for q in (await boss.window(6)).queues] == ["B"]
    assert [q.prefix for q in (await boss.window(10)).queues] == ["E"]
    assert len(audited(central_app, "window.queues")) == 2
    assert len(audited(central_app, "window.queues_restored")) == 1


async def test_supervisor_signs_off_a_window_left_signed_on(make_client: ClientFactory) -> None:
    kiosk, clerk, boss = (
        await make_client("kiosk01"),
        await make_client("1001"),
        await make_client("2001"),
    )
    await clerk.sign_on(1)
    t = await kiosk.issue_ticket("A")
    await clerk.call_next(1)
    with pytest.raises(errors.Conflict, match="then sign off"):
        await boss.sign_off(1)
    await boss.no_show(t.id)
    assert (await boss.sign_off(1)).status == "signed_off"
    await boss.reactivate(t.id)
    await boss.cancel(t.id)
    with pytest.raises(errors.Conflict, match="only a waiting ticket can be cancelled"):
        await boss.cancel(t.id)
