"""The supervisor's calls: the hall board, alerts, moving tickets, window queues, the 差评
callbacks and the reports."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import quote

from client.central_http import CentralHttp, wire_module

if TYPE_CHECKING:
    from client import models as wire
    from client import rating_models as rating_wire
    from client import report_models as report_wire
    from client import supervisor_models as supervision_wire
else:
    wire = wire_module("client.models")
    rating_wire = wire_module("client.rating_models")
    report_wire = wire_module("client.report_models")
    supervision_wire = wire_module("client.supervisor_models")


class SupervisionCalls(CentralHttp):
    # --- the supervisor's console ----------------------------------------------------------

    async def board(self) -> supervision_wire.Board:
        return await self._get("/v1/board", supervision_wire.Board)

    async def ticket_by_number(self, number: str) -> wire.Ticket:
        """Supervisor: today's ticket with this number (A012)."""
        return await self._get(f"/v1/board/tickets/{quote(number.strip(), safe='')}", wire.Ticket)

    async def alerts(
        self, *, open_only: bool = False, limit: int = 200
    ) -> supervision_wire.AlertList:
        params = {"open": str(open_only).lower(), "limit": limit}
        return await self._get("/v1/alerts", supervision_wire.AlertList, params)

    async def acknowledge_alert(self, alert_id: int) -> supervision_wire.Alert:
        return await self._post(f"/v1/alerts/{alert_id}/acknowledge", supervision_wire.Alert)

    async def move_ticket(
        self, ticket_id: int, *, queue: str | None = None, window_no: int | None = None
    ) -> wire.Ticket:
        """Supervisor: a waiting ticket waits in another queue or for one window."""
        body = supervision_wire.MoveRequest(queue=queue, window_no=window_no)
        return await self._post(f"/v1/tickets/{ticket_id}/move", wire.Ticket, body)

    async def set_window_queues(
        self, no: int, queues: list[wire.WindowQueue], *, for_good: bool = False
    ) -> wire.Window:
        body = supervision_wire.WindowQueuesRequest(queues=queues, for_good=for_good)
        return await self._post(f"/v1/windows/{no}/queues", wire.Window, body)

    async def callbacks(self, day: date | None = None) -> supervision_wire.CallbackDay:
        params = {"date": day.isoformat()} if day else None
        return await self._get("/v1/callbacks", supervision_wire.CallbackDay, params)

    async def draw_callbacks(self, day: date | None = None) -> supervision_wire.CallbackDay:
        path = "/v1/callbacks/draw" + (f"?date={day.isoformat()}" if day else "")
        return await self._post(path, supervision_wire.CallbackDay)

    async def record_callback(
        self, callback_id: int, record: supervision_wire.CallbackRecord
    ) -> supervision_wire.Callback:
        return await self._post(
            f"/v1/callbacks/{callback_id}/record", supervision_wire.Callback, record
        )

    async def rectify_callback(self, callback_id: int, note: str) -> supervision_wire.Callback:
        body = supervision_wire.CallbackRectify(note=note)
        path = f"/v1/callbacks/{callback_id}/rectify"
        return await self._post(path, supervision_wire.Callback, body, kept=True)

    async def verify_callback(
        self,
        callback_id: int,
        verdict: rating_wire.Verdict,
        note: str = "",
        rectify_days: int | None = None,
    ) -> supervision_wire.Callback:
        body = rating_wire.VerifyRequest(verdict=verdict, note=note, rectify_days=rectify_days)
        path = f"/v1/callbacks/{callback_id}/verify"
        return await self._post(path, supervision_wire.Callback, body, kept=True)

    async def callback_complaints(
        self, *, open_only: bool, limit: int = 200
    ) -> list[supervision_wire.Callback]:
        """Dissatisfied callbacks in the 差评 loop (the 差评 queue lists them beside ratings)."""
        params = {"open": "true" if open_only else "false", "limit": limit}
        return await self._get_list("/v1/callbacks/complaints", supervision_wire.Callback, params)

    async def report(
        self, kind: report_wire.ReportKind, day: date | None = None
    ) -> report_wire.Report:
        """The report with the first page of its cases per item (most cases first)."""
        params = {"date": day.isoformat()} if day else None
        return await self._get(f"/v1/reports/{kind}", report_wire.Report, params)

    async def report_cases(
        self, kind: report_wire.ReportKind, day: date, after: str, limit: int = 1000
    ) -> report_wire.CasePage:
        """The page of the report's cases per item after the bookmark `after`."""
        params = {"date": day.isoformat(), "after": after, "limit": limit}
        return await self._get(f"/v1/reports/{kind}/cases", report_wire.CasePage, params)

    async def whole_report(
        self, kind: report_wire.ReportKind, day: date | None = None
    ) -> report_wire.Report:
        """The report with every page of its cases per item (for the CSV)."""
        return await self.rest_of_cases(await self.report(kind, day))

    async def rest_of_cases(self, report: report_wire.Report) -> report_wire.Report:
        """`report` with the pages of cases it does not hold yet fetched and added."""
        listed = list(report.cases)
        after = report.cases_next
        while after is not None:
            page = await self.report_cases(report.kind, report.first_day, after)
            listed.extend(page.items)
            after = page.next
        return report.model_copy(update={"cases": listed, "cases_next": None})
