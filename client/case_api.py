"""The intake's calls: the catalog, cases and the working-day calendar."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from client.central_http import CentralHttp, wire_module

if TYPE_CHECKING:
    from client import case_models as case_wire
    from client import catalog_models as catalog_wire
else:
    case_wire = wire_module("client.case_models")
    catalog_wire = wire_module("client.catalog_models")


class CaseCalls(CentralHttp):
    # --- catalog, cases, calendar ---------------------------------------------------------

    async def catalog_version(self) -> catalog_wire.CatalogVersion:
        return await self._get("/v1/catalog/version", catalog_wire.CatalogVersion)

    async def catalog(self) -> catalog_wire.Catalog:
        """The whole catalog; terminals cache it and re-fetch when the version changes."""
        return await self._get("/v1/catalog", catalog_wire.Catalog)

    async def catalog_item(self, code: str) -> catalog_wire.CatalogItem:
        return await self._get(f"/v1/catalog/items/{code}", catalog_wire.CatalogItem)

    async def create_case(
        self, request: case_wire.CaseRequest, *, idempotency_key: str | None = None
    ) -> case_wire.Case:
        """Store a case. Pass the key the intake keeps with its draft, so a retry after a lost
        answer (even after a restart) returns the stored case instead of taking it twice."""
        return await self._post(
            "/v1/cases", case_wire.Case, request, idempotency_key=idempotency_key
        )

    async def case(self, case_no: str) -> case_wire.Case:
        return await self._get(f"/v1/cases/{case_no}", case_wire.Case)

    async def cases_for_applicant(self, id_number: str) -> list[case_wire.Case]:
        """Earlier cases of an applicant (person ID number or enterprise USCC), newest first."""
        return await self._get_list("/v1/cases", case_wire.Case, {"applicant_id": id_number})

    async def due_date(self, start: date, working_days: int) -> case_wire.DueDateAnswer:
        params = {"from": start.isoformat(), "working_days": working_days}
        return await self._get("/v1/calendar/due", case_wire.DueDateAnswer, params)
