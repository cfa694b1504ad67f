"""The ticket kiosk's and rating pad's calls on the central API (the pages make the same calls
from the browser); also what `counter kiosk-print` reads to print a slip."""

from __future__ import annotations

from client.api import CentralClient
from client.device_models import (
    Appointment,
    AppointmentRequest,
    CheckInRequest,
    KioskView,
    PadView,
    TicketSlip,
)


async def kiosk_view(client: CentralClient) -> KioskView:
    return await client._get("/v1/kiosk", KioskView)


async def ticket_slip(client: CentralClient, ticket_id: int) -> TicketSlip:
    return await client._get(f"/v1/kiosk/slips/{ticket_id}", TicketSlip)


async def new_slips(client: CentralClient, after: int) -> list[TicketSlip]:
    """Today's tickets this kiosk issued after ticket `after`, oldest first."""
    response = await client._request("GET", "/v1/kiosk/slips", params={"after": after})
    return [TicketSlip.model_validate(item) for item in response.json()]


async def book_appointment(
    client: CentralClient, body: AppointmentRequest, idempotency_key: str | None = None
) -> Appointment:
    return await client._post(
        "/v1/appointments", Appointment, body, idempotency_key=idempotency_key
    )


async def check_in(
    client: CentralClient, body: CheckInRequest, idempotency_key: str | None = None
) -> TicketSlip:
    return await client._post(
        "/v1/appointments/check-in", TicketSlip, body, idempotency_key=idempotency_key
    )


async def pad_view(client: CentralClient) -> PadView:
    return await client._get("/v1/pad", PadView)
