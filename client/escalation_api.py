"""办不成事 escalations: registering one and every step of its ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from client.central_http import CentralHttp, wire_module

if TYPE_CHECKING:
    from client import escalation_models as escalation_wire
else:
    escalation_wire = wire_module("client.escalation_models")


class EscalationCalls(CentralHttp):
    # --- 办不成事 escalations (the "escalations" helper; models in client/escalation_models.py) ---

    async def create_escalation(
        self, request: escalation_wire.EscalationRequest
    ) -> escalation_wire.Escalation:
        return await self._post("/v1/escalations", escalation_wire.Escalation, request, kept=True)

    async def escalations(
        self,
        *,
        mine: bool | None = None,
        status: escalation_wire.EscalationStatus | None = None,
        category: escalation_wire.EscalationCategory | None = None,
        department: str | None = None,
        overdue: bool | None = None,
        limit: int | None = None,
        after: int | None = None,
    ) -> escalation_wire.EscalationList:
        """A clerk's own escalations (mine=True), or for a supervisor the hall's ledger; one
        page, newest first (`after`: the `next_after` of the page before)."""
        wanted: dict[str, Any] = {
            "mine": mine,
            "status": status,
            "category": category,
            "department": department,
            "overdue": overdue,
            "limit": limit,
            "after": after,
        }
        params = {
            k: (str(v).lower() if isinstance(v, bool) else v)
            for k, v in wanted.items()
            if v is not None
        }
        return await self._get("/v1/escalations", escalation_wire.EscalationList, params)

    async def escalation(self, no: str) -> escalation_wire.Escalation:
        """One escalation with its timeline."""
        return await self._get(f"/v1/escalations/{no}", escalation_wire.Escalation)

    async def assign_escalation(
        self, no: str, request: escalation_wire.AssignRequest
    ) -> escalation_wire.Escalation:
        return await self._post(f"/v1/escalations/{no}/assign", escalation_wire.Escalation, request)

    async def escalation_progress(self, no: str, note: str) -> escalation_wire.Escalation:
        body = escalation_wire.ProgressRequest(note=note)
        return await self._post(f"/v1/escalations/{no}/progress", escalation_wire.Escalation, body)

    async def resolve_escalation(self, no: str, result: str) -> escalation_wire.Escalation:
        body = escalation_wire.ResolveRequest(result=result)
        return await self._post(f"/v1/escalations/{no}/resolve", escalation_wire.Escalation, body)

    async def escalation_callback(
        self, no: str, request: escalation_wire.CallbackRequest
    ) -> escalation_wire.Escalation:
        return await self._post(
            f"/v1/escalations/{no}/callback", escalation_wire.Escalation, request
        )

    async def close_escalation(
        self, no: str, request: escalation_wire.CloseRequest
    ) -> escalation_wire.Escalation:
        """销号, or with `out_of_scope` set: closed as not the hall's matter."""
        return await self._post(f"/v1/escalations/{no}/close", escalation_wire.Escalation, request)
