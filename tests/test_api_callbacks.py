"""回访 callbacks: the day's sample is ≥ 10 % of finished services, drawn from those a number is
known for (the case's mobile, the same applicant's earlier case, the booking), reproducible;
the day says how many could not be called and why; outcomes are recorded, and a dissatisfied
callback goes through the 差评 loop (verify, rectify) as a 差评-like item."""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from central.alert_watch import check_now
from central.callback_numbers import numbers
from central.hall_time import service_day
from central.schema import audit
from client import errors
from client.device_api import book_appointment, check_in
from client.device_models import AppointmentRequest, CheckInRequest
from client.supervisor_models import CallbackRecord
from tests.conftest import ClientFactory, FakeClock
from tests.hall_data import person, serve, serve_with_phones, window_1


async def test_sample_is_a_reproducible_tenth_of_services_that_can_be_called(
    make_client: ClientFactory, central_app: Any, clock: FakeClock
) -> None:
    kiosk, clerk, boss = await window_1(make_client)
    callable_ids, sources = [], {}
    for n in range(30):
        group = n % 6
        if group == 0:  # a consultation: no case, nobody's number on record
            await serve(kiosk, clerk, 1, None)
        elif group == 1:  # a case whose applicant never left a mobile
            await serve(kiosk, clerk, 1, "", person(n))
        elif group == 3:  # no mobile today, but the same applicant left one before (n - 1)
            tid = await serve(kiosk, clerk, 1, "", person(n - 1))
            callable_ids.append(tid)
            sources[tid] = ("applicant", f"139{n - 1:08d}")
        else:
            tid = await serve(kiosk, clerk, 1, f"139{n:08d}", person(n))
            callable_ids.append(tid)
            sources[tid] = ("case", f"139{n:08d}")
    day = await boss.draw_callbacks()
    assert (day.finished, day.with_phone) == (30, 20)
    assert day.not_callable == {"no_case": 5, "no_mobile": 5}
    assert day.wanted == day.drawn == math.ceil(0.1 * 30) == 3
    drawn = {c.ticket_id for c in day.callbacks}
    assert drawn <= set(callable_ids)  # nobody who cannot be called
    for c in day.callbacks:
        assert (c.phone_source, c.phone) == sources[c.ticket_id]
    # Computed independently: rank the callable services by the documented hash.
    today = service_day(clock())
    ranked = sorted(
        callable_ids,
        key=lambda i: hashlib.sha256(f"demo:{today.isoformat()}:{i}".encode()).hexdigest(),
    )
    assert drawn == set(ranked[:3])
    assert (await boss.draw_callbacks()).drawn == 3  # drawing again changes nothing
    # Every service's number, drawn or not, is the one expected.
    with central_app.state.store.engine.connect() as conn:
        known, why = numbers(conn, [*callable_ids])
    assert {tid: (k.source, k.phone) for tid, k in known.items()} == sources and not why
    # More services later in the day: the sample grows to stay ≥ 10 %, keeping the first ones.
    await serve_with_phones(kiosk, clerk, 10, "138", first=100)
    check_now(central_app.state.store)  # the periodic job draws too
    later = await boss.callbacks()
    assert later.finished == 40 and later.drawn == 4
    assert drawn <= {c.ticket_id for c in later.callbacks}


async def test_a_day_with_too_few_numbers_draws_all_it_can_and_says_why(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    kiosk, clerk, boss = await window_1(make_client)
    # A booked citizen: the booking's phone is on record though no case is taken.
    start = clock.now - timedelta(minutes=10)
    booking = AppointmentRequest(queue="A", slot_start=start,
                                 slot_end=start + timedelta(minutes=30), phone="13612345678",
                                 name="李建华")  # fmt: skip
    await book_appointment(boss, booking)
    slip = await check_in(kiosk, CheckInRequest(phone="13612345678"))
    called = await clerk.call_next(1)
    assert called is not None and called.id == slip.ticket_id
    await clerk.start(called.id)
    await clerk.finish(called.id)
    for n in range(19):
        await serve(kiosk, clerk, 1, None if n % 2 else "", person(200 + n))
    day = await boss.draw_callbacks()
    assert (day.finished, day.wanted, day.with_phone, day.drawn) == (20, 2, 1, 1)
    assert day.not_callable == {"no_case": 9, "no_mobile": 10}
    (only,) = day.callbacks
    assert (only.ticket_id, only.phone, only.phone_source) == (slip.ticket_id, "13612345678",
                                                               "appointment")  # fmt: skip
    assert only.applicant_name == "李建华"


async def test_record_outcomes_and_a_rectification(
    make_client: ClientFactory, central_app: Any
) -> None:
    kiosk, clerk, boss = await window_1(make_client)
    await serve_with_phones(kiosk, clerk, 20, "137")
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
    # Into the 差评 queue, waiting for verification like a citizen's 差评.
    assert done.recorded_by == "2001" and done.review is not None
    assert done.review.state == "pending" and done.rectify_due is None
    with pytest.raises(errors.Conflict):
        await boss.record_callback(first.id, CallbackRecord(reached=False))
    await boss.record_callback(second.id, CallbackRecord(reached=False, note="无人接听"))
    assert [c.id for c in await boss.callback_complaints(open_only=True)] == [first.id]
    with pytest.raises(errors.Conflict):  # not upheld yet
        await boss.rectify_callback(first.id, "x")
    with pytest.raises(errors.Forbidden):
        await clerk.verify_callback(first.id, "upheld", "属实")
    upheld = await boss.verify_callback(first.id, "upheld", "调看录像属实", rectify_days=5)
    assert upheld.review is not None and upheld.review.state == "upheld"
    assert upheld.review.verified_by == "2001" and upheld.review.verified_by_name
    assert upheld.rectify_due is not None and upheld.review.rectify_days == 5
    with pytest.raises(errors.Conflict):  # verified once
        await boss.verify_callback(first.id, "mistaken")
    for blank in ("   ", "\u200b\u200d\ufeff", "\x07\x1b"):  # would print as nothing
        with pytest.raises(errors.Invalid) as said:
            await boss.rectify_callback(first.id, blank)
        assert "note" in said.value.fields
    fixed = await boss.rectify_callback(first.id, "增开窗口，已回电说明")
    assert fixed.rectified_at is not None and fixed.review is not None
    assert fixed.review.state == "rectified"
    assert await boss.callback_complaints(open_only=True) == []
    assert [c.id for c in await boss.callback_complaints(open_only=False)] == [first.id]
    with pytest.raises(errors.Conflict):
        await boss.rectify_callback(second.id, "x")
    summary = await boss.callbacks()
    assert (summary.recorded, summary.reached, summary.dissatisfied) == (2, 1, 1)
    assert summary.rate == 2 / 20
    with central_app.state.store.engine.connect() as conn:
        actions = [r.action for r in conn.execute(select(audit.c.action)).all()]
    assert actions.count("callback.record") == 2 and actions.count("callback.rectify") == 1
    with central_app.state.store.engine.connect() as conn:  # phones masked in the audit
        trail = [str(r.after) for r in conn.execute(select(audit.c.after)).all()]
    assert not [row for row in trail if first.phone in row or second.phone in row]
    assert any(first.phone[:3] + "****" + first.phone[-4:] in row for row in trail)
    assert actions.count("callback.verify") == 1
