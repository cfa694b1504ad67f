"""The counter's calls on the central: signing in, the hall and its queues, tickets, windows,
the event poll and the audit trail (the clerk's start-up path: nothing else is imported for it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, cast

from client.central_http import CentralHttp, _parse, wire_module

if TYPE_CHECKING:
    from client import models as wire
else:
    wire = wire_module("client.models")


class CounterCalls(CentralHttp):
    # --- auth -------------------------------------------------------------------------------

    async def login(self, staff_no: str, password: str) -> wire.LoginResponse:
        answer = await self._post(
            "/v1/auth/login",
            wire.LoginResponse,
            wire.LoginRequest(staff_no=staff_no, password=password),
        )
        self.token = answer.token
        return answer

    async def logout(self) -> None:
        await self._request("POST", "/v1/auth/logout")
        self.token = None

    async def me(self) -> wire.Staff:
        # The start's three reads (me, hall, queues) name their model after the answer.
        return await self._get_then("/v1/me", lambda: wire.Staff)

    # --- hall -------------------------------------------------------------------------------

    async def hall(self) -> wire.Hall:
        return await self._get_then("/v1/hall", lambda: wire.Hall)

    async def queues(self) -> wire.QueuesResponse:
        return await self._get_then("/v1/queues", lambda: wire.QueuesResponse)

    # The start's reads, as views of the answers (client.wire_view): the counter screen shows
    # them before pydantic is imported. Typed as their models for the screens that read them;
    # the App validates them into the models once the screen is up (Session.settle_models).

    async def me_view(self) -> wire.Staff:
        return cast("wire.Staff", await self._get_view("/v1/me"))

    async def hall_view(self) -> wire.Hall:
        return cast("wire.Hall", await self._get_view("/v1/hall"))

    async def queues_view(self) -> wire.QueuesResponse:
        return cast("wire.QueuesResponse", await self._get_view("/v1/queues"))

    # --- tickets ----------------------------------------------------------------------------

    async def issue_ticket(
        self,
        queue: str,
        kind: wire.TicketKind = "walk_in",
        appointment_at: datetime | None = None,
    ) -> wire.Ticket:
        body = wire.IssueTicketRequest(queue=queue, kind=kind, appointment_at=appointment_at)
        return await self._post("/v1/tickets", wire.Ticket, body)

    async def ticket(self, ticket_id: int) -> wire.Ticket:
        return await self._get(f"/v1/tickets/{ticket_id}", wire.Ticket)

    async def _ticket_action(self, ticket_id: int, action: str) -> wire.TicketAnswer:
        return await self._post(f"/v1/tickets/{ticket_id}/{action}", wire.TicketAnswer)

    async def recall(self, ticket_id: int) -> wire.TicketAnswer:
        return await self._ticket_action(ticket_id, "recall")

    async def no_show(self, ticket_id: int) -> wire.TicketAnswer:
        return await self._ticket_action(ticket_id, "no-show")

    async def start(self, ticket_id: int) -> wire.TicketAnswer:
        return await self._ticket_action(ticket_id, "start")

    async def finish(self, ticket_id: int) -> wire.TicketAnswer:
        return await self._ticket_action(ticket_id, "finish")

    async def hold(self, ticket_id: int) -> wire.TicketAnswer:
        return await self._ticket_action(ticket_id, "hold")

    async def call_back(self, ticket_id: int) -> wire.TicketAnswer:
        return await self._ticket_action(ticket_id, "call-back")

    async def cancel(self, ticket_id: int) -> wire.TicketAnswer:
        return await self._ticket_action(ticket_id, "cancel")

    async def reactivate(self, ticket_id: int) -> wire.TicketAnswer:
        return await self._ticket_action(ticket_id, "reactivate")

    async def transfer(
        self, ticket_id: int, *, queue: str | None = None, window_no: int | None = None
    ) -> wire.TicketAnswer:
        body = wire.TransferRequest(queue=queue, window_no=window_no)
        return await self._post(f"/v1/tickets/{ticket_id}/transfer", wire.TicketAnswer, body)

    # --- windows ----------------------------------------------------------------------------

    async def window(self, no: int) -> wire.Window:
        return await self._get(f"/v1/windows/{no}", wire.Window)

    async def sign_on(self, no: int) -> wire.Window:
        return await self._post(f"/v1/windows/{no}/sign-on", wire.Window)

    async def sign_off(self, no: int) -> wire.Window:
        return await self._post(f"/v1/windows/{no}/sign-off", wire.Window)

    async def pause(self, no: int, reason: wire.PauseReason, note: str = "") -> wire.Window:
        return await self._post(
            f"/v1/windows/{no}/pause",
            wire.Window,
            wire.PauseRequest(reason=reason, note=note),
            kept=True,
        )

    async def resume(self, no: int) -> wire.Window:
        return await self._post(f"/v1/windows/{no}/resume", wire.Window)

    async def call_next(self, no: int) -> wire.TicketAnswer | None:
        """The called ticket, or None when nothing waits for this window (HTTP 204)."""
        response = await self._request("POST", f"/v1/windows/{no}/call-next")
        if response.status_code == 204:
            return None
        return _parse(wire.TicketAnswer, response)

    async def call_ticket(
        self,
        no: int,
        *,
        number: str | None = None,
        ticket_id: int | None = None,
        reason: str = "",
    ) -> wire.TicketAnswer:
        """Call one named waiting or missed ticket to window `no` (叫指定号), out of call order;
        `reason` is kept in the audit trail."""
        body = wire.CallTicketRequest(number=number, ticket_id=ticket_id, reason=reason)
        return await self._post(f"/v1/windows/{no}/call-ticket", wire.TicketAnswer, body)

    # --- live and audit ---------------------------------------------------------------------

    async def poll_events(self, after: int) -> wire.EventsPage:
        return await self._get("/v1/events/poll", wire.EventsPage, {"after": after})

    async def audit(
        self, *, actor: str | None = None, object_id: str | None = None
    ) -> list[wire.AuditRecord]:
        params = {k: v for k, v in {"actor": actor, "object": object_id}.items() if v}
        return await self._get_list("/v1/audit", wire.AuditRecord, params)
