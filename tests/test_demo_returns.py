"""The living demo's citizens come back: a colleague decides each matter through the API, a
citizen turned away may return with the papers, and one turned away twice comes a third time —
and then the matter is an escalation (办不成事), not another notice."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from client.models import TicketAnswer
from counter.core import i18n
from counter.demo import build_demo
from counter.demo.citizens import Bag, bag_for
from counter.demo.desk_work import (
    THIRD_VISIT,
    case_for,
    decision_for,
    next_visit,
)
from counter.demo.simulator import _Colleague

pytest.importorskip("central.app")
TODAY = date(2026, 11, 30)


def _third(bag: Bag, item: object) -> Bag:
    rng = random.Random(1)
    return next_visit(next_visit(bag, item, rng, 1), item, rng, 2)  # type: ignore[arg-type]


async def test_turned_away_twice_the_citizen_comes_a_third_time_for_an_escalation(
    tmp_path: Path,
) -> None:
    hall = build_demo(workdir=tmp_path, seed=2, speed=1000)
    sim = hall.simulator
    assert sim is not None
    try:
        await hall.client.login("1001", "counter")
        catalog = await hall.client.catalog()
        item = next(i for i in catalog.items if i.code == "GJ-002")
        sim.items = {i.code: i for i in catalog.items}
        # Two one-time notices for the same matter (the return draw made certain: seed 2).
        bag = bag_for(item, random.Random(5), TODAY)
        desk = sim.desk
        desk.return_rng = _Always()
        desk.turned_away("A", bag)
        desk.turned_away("A", bag)
        desk._returns = [(0.0, i, q, b) for i, (_, _, q, b) in enumerate(desk._returns)]
        back = [b for _, b in desk.due_returns()]
        assert [b.visits for b in back] == [2, THIRD_VISIT]
        third = back[-1]
        assert "第三趟" in third.says and decision_for(third, random.Random(0)) == "escalate"

        # A colleague at window 2 serves them: the escalation is registered through the API.
        colleague = _Colleague(sim, hall.account("1002"), 2)
        await colleague.login()
        kiosk = hall.new_client()
        await kiosk.login("kiosk01", "counter")
        ticket = await kiosk.issue_ticket("A")
        sim.bags[ticket.id] = (ticket.number, third)
        await colleague.client.sign_on(2)
        called = await colleague.client.call_next(2)
        assert isinstance(called, TicketAnswer) and called.id == ticket.id
        await colleague.client.start(ticket.id)
        await desk.decide(colleague, called, third)
        ledger = await colleague.client.escalations(limit=10)
        assert [e.ticket_id for e in ledger.items] == [ticket.id]
        assert "第三次" in ledger.items[0].description
        assert sim.stats.decisions["escalate"] == 1
        # The trainee's desk shows what they say at the window, in the terminal's language.
        before = i18n.current_language()
        try:
            i18n.set_language("zh")
            shown = hall.desk(ticket.id)
            assert shown is not None and "第三趟" in shown.says
            i18n.set_language("en")
            shown = hall.desk(ticket.id)
            assert shown is not None and "this is my third trip" in shown.says
        finally:
            i18n.set_language(before)
        await kiosk.aclose()
        await colleague.client.aclose()
    finally:
        await hall.aclose()


class _Always(random.Random):
    """The citizen always comes back (the return draw), with the papers as drawn."""

    def random(self) -> float:
        return 0.0


def test_a_colleague_s_case_matches_the_papers() -> None:
    from client.catalog_models import CatalogItem

    item = CatalogItem.model_validate(
        {
            "code": "GJ-001", "name": "老年卡", "department": "GJ", "department_name": "公交",
            "kind": "promised", "promised_days": 10, "min_age": 65,
            "materials": [
                {"name": "老年人居民身份证", "form": "original_and_copy"},
                {"name": "照片", "form": "original", "tolerable": True},
            ],
        }
    )  # fmt: skip
    seen = set()
    for seed in range(200):
        bag = bag_for(item, random.Random(seed), TODAY)
        decision = decision_for(bag, random.Random(seed))
        seen.add(decision)
        if decision == "escalate":
            continue
        case = case_for(item, bag, decision, 1, 2, TODAY)  # type: ignore[arg-type]
        states = {e.material: e.state for e in case.checklist}
        if decision == "accept":
            assert set(states.values()) == {"received"}
        if decision == "notice":
            assert any(s in ("missing", "flawed") for s in states.values())
        if decision == "tolerate":
            assert states["照片"] == "tolerated" and case.commitment_date is not None
        if decision == "refuse":
            assert case.refer_to and case.refuse_reason
    assert {"accept", "notice", "tolerate", "refuse"} <= seen
