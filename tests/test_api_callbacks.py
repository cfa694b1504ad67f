"""回访 callbacks: the day's sample is ≥ 10 % of finished services, skips citizens without a
phone, is reproducible, and records outcomes (a dissatisfied one opens a rectification)."""

from __future__ import annotations

import hashlib
import math
from typing import Any

import pytest
from sqlalchemy import select

from central.alert_watch import check_now
from central.hall_time import service_day
from central.schema import audit
from client import errors
from client.api import CentralClient
from client.supervisor_models import CallbackRecord
from tests.conftest import ClientFactory, FakeClock
from tests.test_api_cases import bus_pass, senior


async def serve(kiosk: CentralClient, clerk: CentralClient, window: int, mobile: str | None) -> int:
    """One service at `window`; a case is taken when `mobile` is not None ('' leaves none)."""
    ticket = await kiosk.issue_ticket("A")
    called = await clerk.call_next(window)
    assert called is not None and called.id == ticket.id
    await clerk.start(ticket.id)
    if mobile is not None:
        body = bus_pass(applicant=senior(mobile=mobile), ticket_id=ticket.id)
        r = await clerk.http.post("/v1/cases", json=body, headers=clerk.auth_headers())
        assert r.status_code == 201, r.text
    await clerk.finish(ticket.id)
    return ticket.id


async def test_sample_is_a_reproducible_tenth_of_services_with_a_phone(
    make_client: ClientFactory, central_app: Any, clock: FakeClock
) -> None:
    kiosk, clerk, boss = (
        await make_client("kiosk01"),
        await make_client("1001"),
        await make_client("2001"),
    )
    await clerk.sign_on(1)
    with_phone, without = [], []
    for n in range(25):
        if n % 5 == 4:
            without.append(await serve(kiosk, clerk, 1, "" if n % 2 else None))
        else:
            with_phone.append(await serve(kiosk, clerk, 1, f"139{n:08d}"))
    day = await boss.draw_callbacks()
    assert (day.finished, day.with_phone) == (25, 20)
    assert day.drawn == math.ceil(0.1 * 25) == 3
    drawn = {c.ticket_id for c in day.callbacks}
    assert drawn <= set(with_phone)  # nobody without a phone
    # Computed independently: rank the services with a phone by the documented hash.
    today = service_day(clock())
    ranked = sorted(
        with_phone,
        key=lambda i: hashlib.sha256(f"demo:{today.isoformat()}:{i}".encode()).hexdigest(),
    )
    assert drawn == set(ranked[:3])
    assert (await boss.draw_callbacks()).drawn == 3  # drawing again changes nothing
    # More services later in the day: the sample grows to stay ≥ 10 %, keeping the first ones.
    for _ in range(10):
        await serve(kiosk, clerk, 1, None)
    check_now(central_app.state.store)  # the periodic job draws too
    later = await boss.callbacks()
    assert later.finished == 35 and later.drawn == 4
    assert drawn <= {c.ticket_id for c in later.callbacks}


async def test_record_outcomes_and_a_rectification(
    make_client: ClientFactory, central_app: Any
) -> None:
    kiosk, clerk, boss = (
        await make_client("kiosk01"),
        await make_client("1001"),
        await make_client("2001"),
    )
    await clerk.sign_on(1)
    for n in range(20):
        await serve(kiosk, clerk, 1, f"137{n:08d}")
    day = await boss.draw_callbacks()
    first, second = day.callbacks
    with pytest.raises(errors.Forbidden):
        await clerk.record_callback(first.id, CallbackRecord(reached=False))
    with pytest.raises(errors.Invalid):
        await boss.record_callback(first.id, CallbackRecord(reached=True))
    with pytest.raises(errors.Invalid):
        await boss.record_callback(
            first.id, CallbackRecord(reached=True, satisfied=True, open_rectification=True)
        )
    done = await boss.record_callback(
        first.id,
        CallbackRecord(reached=True, satisfied=False, note="等候太久", open_rectification=True),
    )
    assert done.recorded_by == "2001" and done.rectify_due is not None
    with pytest.raises(errors.Conflict):
        await boss.record_callback(first.id, CallbackRecord(reached=False))
    await boss.record_callback(second.id, CallbackRecord(reached=False, note="无人接听"))
    fixed = await boss.rectify_callback(first.id, "增开窗口，已回电说明")
    assert fixed.rectified_at is not None
    with pytest.raises(errors.Conflict):
        await boss.rectify_callback(second.id, "x")
    summary = await boss.callbacks()
    assert (summary.recorded, summary.reached, summary.dissatisfied) == (2, 1, 1)
    assert summary.rate == 2 / 20
    with central_app.state.store.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit.c.action)).all()]
    assert actions.count("callback.record") == 2 and actions.count("callback.rectify") == 1
