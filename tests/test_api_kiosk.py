"""The kiosk's and pad's API in-process over the real app: appointments book and check in only
while their slot is open (one ticket per appointment), the slip counts who waits ahead, a device
page's cookie writes only with the device header, and the pad offers a finished service until
the citizen walks away (that another window's pad never sees it is the Chromium test's, with
pads bound to one window each)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.device_api import book_appointment, check_in, kiosk_view, pad_view, ticket_slip
from client.device_models import AppointmentRequest, CheckInRequest
from client.errors import CentralError
from client.models import Ticket
from tests.conftest import ClientFactory, FakeClock


def _booking(clock: FakeClock, queue: str, phone: str, start_in: timedelta) -> AppointmentRequest:
    start = clock.now + start_in
    return AppointmentRequest(
        queue=queue, slot_start=start, slot_end=start + timedelta(minutes=30), phone=phone
    )


async def test_appointment_checks_in_once_while_its_slot_is_open(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    supervisor = await make_client("2001")
    kiosk = await make_client("kiosk01")
    clerk = await make_client("1001")
    with pytest.raises(CentralError) as refused:
        await book_appointment(clerk, _booking(clock, "B", "13800138000", timedelta(hours=1)))
    assert refused.value.status == 403
    booked = await book_appointment(
        supervisor, _booking(clock, "B", "13800138000", timedelta(hours=1))
    )
    assert len(booked.code) == 6 and booked.phone_tail == "8000" and booked.ticket_id is None

    with pytest.raises(CentralError) as early:
        await check_in(kiosk, CheckInRequest(code=booked.code))
    assert early.value.reason == "appointment_slot_not_yet"
    assert early.value.params == {"start": "10:30", "opens": "10:00"}

    clock.advance(minutes=35)  # 30 minutes early is early enough
    slip = await check_in(kiosk, CheckInRequest(phone="13800138000"))
    assert (slip.number, slip.kind, slip.queue) == ("B001", "appointment", "B")
    assert slip.appointment_at == booked.slot_start and slip.ahead == 0
    with pytest.raises(CentralError) as again:
        await check_in(kiosk, CheckInRequest(code=booked.code))
    assert again.value.reason == "appointment_checked_in_already"
    assert again.value.params == {"number": "B001"}

    late = await book_appointment(
        supervisor, _booking(clock, "C", "13900139000", timedelta(minutes=-20))
    )
    clock.advance(minutes=15)
    with pytest.raises(CentralError) as passed:
        await check_in(kiosk, CheckInRequest(code=late.code))
    assert passed.value.reason == "appointment_slot_passed"
    with pytest.raises(CentralError) as unknown:
        await check_in(kiosk, CheckInRequest(code="000000"))
    assert unknown.value.status == 404
    with pytest.raises(CentralError) as nobody:
        await check_in(kiosk, CheckInRequest(phone="13700137000"))
    assert nobody.value.reason == "no_appointment_phone"


async def test_slip_counts_who_waits_ahead_and_the_cap_shows(make_client: ClientFactory) -> None:
    kiosk = await make_client("kiosk01")
    first = await kiosk.issue_ticket("A")
    second = await kiosk.issue_ticket("A")
    other = await kiosk.issue_ticket("F")
    assert (await ticket_slip(kiosk, second.id)).ahead == 1
    assert (await ticket_slip(kiosk, other.id)).ahead == 0
    clerk = await make_client("1001")
    await clerk.sign_on(1)
    called = await clerk.call_next(1)
    assert called is not None and called.id == first.id
    slip = await ticket_slip(kiosk, second.id)
    assert slip.ahead == 0 and slip.bring and "身份证" in slip.bring
    view = await kiosk_view(kiosk)
    a = next(q for q in view.queues if q.prefix == "A")
    assert (a.waiting, a.issued_today, a.daily_cap, a.full) == (1, 2, 500, False)


async def test_device_cookie_writes_only_with_the_device_header(central_app: object) -> None:
    transport = StreamingASGITransport(central_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as page:
        signed = await page.post(
            "/v1/devices/sign-in",
            json={"staff_no": "kiosk01", "password": "counter", "kind": "kiosk"},
        )
        assert signed.status_code == 200
        plain = await page.post("/v1/tickets", json={"queue": "A"})
        assert plain.status_code == 401  # a cross-site form cannot act with the cookie
        marked = await page.post(
            "/v1/tickets", json={"queue": "A"}, headers={"X-Counter-Device": "1"}
        )
        assert marked.status_code == 201 and marked.json()["number"] == "A001"
        assert (await page.get("/v1/kiosk")).status_code == 200


async def _serve(clerk: CentralClient, window: int) -> Ticket:
    """Sign on, call the next ticket, serve it and finish."""
    await clerk.sign_on(window)
    ticket = await clerk.call_next(window)
    assert ticket is not None
    await clerk.start(ticket.id)
    return await clerk.finish(ticket.id)


async def test_pad_offers_a_finished_service_until_the_citizen_walks_away(
    make_client: ClientFactory, clock: FakeClock
) -> None:
    kiosk = await make_client("kiosk01")
    pad = await make_client("pad01")  # the pad at window 1: it rates that window alone
    await kiosk.issue_ticket("A")
    await kiosk.issue_ticket("A")
    idle = await pad_view(pad)
    assert (idle.window_no, idle.service, idle.clerk_name) == (1, None, None)
    assert idle.windows == [1]
    assert "attitude" in idle.bad_reasons and "friendly" not in idle.bad_reasons
    mine = await _serve(await make_client("1001"), 1)
    view = await pad_view(pad)
    assert view.clerk_name == "王芳" and view.service is not None
    assert view.service.ticket_id == mine.id
    clock.advance(minutes=4)  # the citizen walked away: left unrated
    assert (await pad_view(pad)).service is None
    with pytest.raises(CentralError) as not_pad:
        await pad_view(kiosk)
    assert not_pad.value.status == 403
