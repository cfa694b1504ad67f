"""CentralClient: the async httpx client of the central API, one method per endpoint.

Every POST carries an Idempotency-Key, so a POST that timed out can be retried safely: the
server answers a repeat with the first result instead of acting twice. GETs are retried too.
Failures surface as one exception class per kind (client.errors).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import uuid
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from client import errors
from client.case_models import Case, CaseRequest, DueDateAnswer
from client.catalog_models import Catalog, CatalogItem, CatalogVersion
from client.escalation_models import (
    AssignRequest,
    CallbackRequest,
    CloseRequest,
    Escalation,
    EscalationCategory,
    EscalationList,
    EscalationRequest,
    EscalationStatus,
    ProgressRequest,
    ResolveRequest,
)
from client.models import (
    AuditRecord,
    CallTicketRequest,
    ErrorResponse,
    EventsPage,
    Hall,
    IssueTicketRequest,
    LoginRequest,
    LoginResponse,
    PauseReason,
    PauseRequest,
    QueuesResponse,
    Staff,
    Ticket,
    TicketAnswer,
    TicketKind,
    TransferRequest,
    Window,
    WindowQueue,
)
from client.rating_models import (
    ExplainRequest,
    Rating,
    RatingRequest,
    RatingTable,
    RatingTally,
    RectifyRequest,
    ReviewState,
    TableGroup,
    TallyBy,
    Verdict,
    VerifyRequest,
)
from client.report_models import Report, ReportKind
from client.supervisor_models import (
    Alert,
    AlertList,
    Board,
    Callback,
    CallbackDay,
    CallbackRecord,
    CallbackRectify,
    MoveRequest,
    WindowQueuesRequest,
)

M = TypeVar("M", bound=BaseModel)

# Retries only where an idempotency key (POST) or the method (GET) makes them safe.
RETRIES = 2
RETRY_DELAY_S = 0.3

_STATUS_ERRORS: dict[int, type[errors.CentralError]] = {
    401: errors.AuthExpired,
    403: errors.Forbidden,
    404: errors.NotFound,
    409: errors.Conflict,
    422: errors.Invalid,
    429: errors.RateLimited,
}


class CentralClient:
    """Talks to one central API; `transport` lets the demo and tests run it in-process."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        verify: bool | str = True,
        token: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.is_in_process = transport is not None
        # Idempotency-Keys of forms sent but not answered, by content (see _post's `kept`).
        self._kept_keys: dict[str, str] = {}
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            verify=verify,
            headers={"Accept": "application/json"},
        )

    @property
    def http(self) -> httpx.AsyncClient:
        """The underlying httpx client (the live-event stream shares its transport)."""
        return self._http

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- plumbing ---------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: BaseModel | None = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        headers = self.auth_headers()
        if method == "POST":
            # The same key on every retry: the server answers a repeat with the first result.
            # A caller that may retry later (after a restart, say) passes a key it keeps.
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        body = json.model_dump(mode="json", exclude_none=True) if json is not None else None
        last: errors.CentralError | None = None
        for attempt in range(RETRIES + 1):
            if attempt:
                await asyncio.sleep(RETRY_DELAY_S * attempt)
            try:
                response = await self._http.request(
                    method, path, json=body, params=params, headers=headers
                )
            except httpx.TimeoutException:
                last = errors.Timeout(
                    f"The central API at {self.base_url} did not answer in time; try again."
                )
                continue
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.NetworkError):
                last = errors.Unreachable(
                    f"Cannot reach the central API at {self.base_url}; check the network."
                )
                continue
            if response.status_code >= 500 and attempt < RETRIES:
                last = error_from_response(response)
                continue
            if response.status_code >= 400:
                raise error_from_response(response)
            return response
        assert last is not None
        raise last

    async def _get(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> M:
        return _parse(model, await self._request("GET", path, params=params))

    async def _post(
        self,
        path: str,
        model: type[M],
        body: BaseModel | None = None,
        *,
        idempotency_key: str | None = None,
        kept: bool = False,
    ) -> M:
        """`kept`: a form that creates something (an escalation, a pause with its reason, a
        rating's explanation or step) keeps its key for its content until the server has
        answered, so pressing again after a lost answer is answered, not registered twice."""
        content = ""
        if kept and idempotency_key is None:
            body_text = body.model_dump_json() if body is not None else ""
            content = hashlib.sha256(f"{path}\n{body_text}".encode()).hexdigest()
            idempotency_key = self._kept_keys.setdefault(content, uuid.uuid4().hex)
        try:
            response = await self._request("POST", path, json=body, idempotency_key=idempotency_key)
        except (errors.Unreachable, errors.Timeout, errors.ServerError):
            raise  # not known whether it was done: the next press sends the same key
        except errors.CentralError:
            self._kept_keys.pop(content, None)
            raise
        self._kept_keys.pop(content, None)
        return _parse(model, response)

    # --- auth -------------------------------------------------------------------------------

    async def login(self, staff_no: str, password: str) -> LoginResponse:
        answer = await self._post(
            "/v1/auth/login",
            LoginResponse,
            LoginRequest(staff_no=staff_no, password=password),
        )
        self.token = answer.token
        return answer

    async def logout(self) -> None:
        await self._request("POST", "/v1/auth/logout")
        self.token = None

    async def me(self) -> Staff:
        return await self._get("/v1/me", Staff)

    # --- hall -------------------------------------------------------------------------------

    async def hall(self) -> Hall:
        return await self._get("/v1/hall", Hall)

    async def queues(self) -> QueuesResponse:
        return await self._get("/v1/queues", QueuesResponse)

    # --- tickets ----------------------------------------------------------------------------

    async def issue_ticket(
        self,
        queue: str,
        kind: TicketKind = "walk_in",
        appointment_at: datetime | None = None,
    ) -> Ticket:
        body = IssueTicketRequest(queue=queue, kind=kind, appointment_at=appointment_at)
        return await self._post("/v1/tickets", Ticket, body)

    async def ticket(self, ticket_id: int) -> Ticket:
        return await self._get(f"/v1/tickets/{ticket_id}", Ticket)

    async def _ticket_action(self, ticket_id: int, action: str) -> TicketAnswer:
        return await self._post(f"/v1/tickets/{ticket_id}/{action}", TicketAnswer)

    async def recall(self, ticket_id: int) -> TicketAnswer:
        return await self._ticket_action(ticket_id, "recall")

    async def no_show(self, ticket_id: int) -> TicketAnswer:
        return await self._ticket_action(ticket_id, "no-show")

    async def start(self, ticket_id: int) -> TicketAnswer:
        return await self._ticket_action(ticket_id, "start")

    async def finish(self, ticket_id: int) -> TicketAnswer:
        return await self._ticket_action(ticket_id, "finish")

    async def hold(self, ticket_id: int) -> TicketAnswer:
        return await self._ticket_action(ticket_id, "hold")

    async def call_back(self, ticket_id: int) -> TicketAnswer:
        return await self._ticket_action(ticket_id, "call-back")

    async def cancel(self, ticket_id: int) -> TicketAnswer:
        return await self._ticket_action(ticket_id, "cancel")

    async def reactivate(self, ticket_id: int) -> TicketAnswer:
        return await self._ticket_action(ticket_id, "reactivate")

    async def transfer(
        self, ticket_id: int, *, queue: str | None = None, window_no: int | None = None
    ) -> TicketAnswer:
        body = TransferRequest(queue=queue, window_no=window_no)
        return await self._post(f"/v1/tickets/{ticket_id}/transfer", TicketAnswer, body)

    # --- windows ----------------------------------------------------------------------------

    async def window(self, no: int) -> Window:
        return await self._get(f"/v1/windows/{no}", Window)

    async def sign_on(self, no: int) -> Window:
        return await self._post(f"/v1/windows/{no}/sign-on", Window)

    async def sign_off(self, no: int) -> Window:
        return await self._post(f"/v1/windows/{no}/sign-off", Window)

    async def pause(self, no: int, reason: PauseReason, note: str = "") -> Window:
        return await self._post(
            f"/v1/windows/{no}/pause", Window, PauseRequest(reason=reason, note=note), kept=True
        )

    async def resume(self, no: int) -> Window:
        return await self._post(f"/v1/windows/{no}/resume", Window)

    async def call_next(self, no: int) -> TicketAnswer | None:
        """The called ticket, or None when nothing waits for this window (HTTP 204)."""
        response = await self._request("POST", f"/v1/windows/{no}/call-next")
        if response.status_code == 204:
            return None
        return _parse(TicketAnswer, response)

    async def call_ticket(
        self,
        no: int,
        *,
        number: str | None = None,
        ticket_id: int | None = None,
        reason: str = "",
    ) -> TicketAnswer:
        """Call one named waiting or missed ticket to window `no` (叫指定号), out of call order;
        `reason` is kept in the audit trail."""
        body = CallTicketRequest(number=number, ticket_id=ticket_id, reason=reason)
        return await self._post(f"/v1/windows/{no}/call-ticket", TicketAnswer, body)

    # --- the supervisor's console ----------------------------------------------------------

    async def board(self) -> Board:
        return await self._get("/v1/board", Board)

    async def ticket_by_number(self, number: str) -> Ticket:
        """Supervisor: today's ticket with this number (A012)."""
        return await self._get(f"/v1/board/tickets/{quote(number.strip(), safe='')}", Ticket)

    async def alerts(self, *, open_only: bool = False, limit: int = 200) -> AlertList:
        params = {"open": str(open_only).lower(), "limit": limit}
        return await self._get("/v1/alerts", AlertList, params)

    async def acknowledge_alert(self, alert_id: int) -> Alert:
        return await self._post(f"/v1/alerts/{alert_id}/acknowledge", Alert)

    async def move_ticket(
        self, ticket_id: int, *, queue: str | None = None, window_no: int | None = None
    ) -> Ticket:
        """Supervisor: a waiting ticket waits in another queue or for one window."""
        body = MoveRequest(queue=queue, window_no=window_no)
        return await self._post(f"/v1/tickets/{ticket_id}/move", Ticket, body)

    async def set_window_queues(
        self, no: int, queues: list[WindowQueue], *, for_good: bool = False
    ) -> Window:
        body = WindowQueuesRequest(queues=queues, for_good=for_good)
        return await self._post(f"/v1/windows/{no}/queues", Window, body)

    async def callbacks(self, day: date | None = None) -> CallbackDay:
        params = {"date": day.isoformat()} if day else None
        return await self._get("/v1/callbacks", CallbackDay, params)

    async def draw_callbacks(self, day: date | None = None) -> CallbackDay:
        path = "/v1/callbacks/draw" + (f"?date={day.isoformat()}" if day else "")
        return await self._post(path, CallbackDay)

    async def record_callback(self, callback_id: int, record: CallbackRecord) -> Callback:
        return await self._post(f"/v1/callbacks/{callback_id}/record", Callback, record)

    async def rectify_callback(self, callback_id: int, note: str) -> Callback:
        body = CallbackRectify(note=note)
        path = f"/v1/callbacks/{callback_id}/rectify"
        return await self._post(path, Callback, body, kept=True)

    async def verify_callback(
        self, callback_id: int, verdict: Verdict, note: str = "", rectify_days: int | None = None
    ) -> Callback:
        body = VerifyRequest(verdict=verdict, note=note, rectify_days=rectify_days)
        path = f"/v1/callbacks/{callback_id}/verify"
        return await self._post(path, Callback, body, kept=True)

    async def callback_complaints(self, *, open_only: bool, limit: int = 200) -> list[Callback]:
        """Dissatisfied callbacks in the 差评 loop (the 差评 queue lists them beside ratings)."""
        params = {"open": "true" if open_only else "false", "limit": limit}
        response = await self._request("GET", "/v1/callbacks/complaints", params=params)
        try:
            return _list_of(Callback).validate_json(response.content)
        except ValidationError as exc:
            raise _contract_error(response) from exc

    async def report(self, kind: ReportKind, day: date | None = None) -> Report:
        params = {"date": day.isoformat()} if day else None
        return await self._get(f"/v1/reports/{kind}", Report, params)

    # --- catalog, cases, calendar ---------------------------------------------------------

    async def catalog_version(self) -> CatalogVersion:
        return await self._get("/v1/catalog/version", CatalogVersion)

    async def catalog(self) -> Catalog:
        """The whole catalog; terminals cache it and re-fetch when the version changes."""
        return await self._get("/v1/catalog", Catalog)

    async def catalog_item(self, code: str) -> CatalogItem:
        return await self._get(f"/v1/catalog/items/{code}", CatalogItem)

    async def create_case(
        self, request: CaseRequest, *, idempotency_key: str | None = None
    ) -> Case:
        """Store a case. Pass the key the intake keeps with its draft, so a retry after a lost
        answer (even after a restart) returns the stored case instead of taking it twice."""
        return await self._post("/v1/cases", Case, request, idempotency_key=idempotency_key)

    async def case(self, case_no: str) -> Case:
        return await self._get(f"/v1/cases/{case_no}", Case)

    async def cases_for_applicant(self, id_number: str) -> list[Case]:
        """Earlier cases of an applicant (person ID number or enterprise USCC), newest first."""
        response = await self._request("GET", "/v1/cases", params={"applicant_id": id_number})
        try:
            return _list_of(Case).validate_json(response.content)
        except ValidationError as exc:
            raise _contract_error(response) from exc

    async def due_date(self, start: date, working_days: int) -> DueDateAnswer:
        params = {"from": start.isoformat(), "working_days": working_days}
        return await self._get("/v1/calendar/due", DueDateAnswer, params)

    # --- 办不成事 escalations (the "escalations" helper; models in client/escalation_models.py) ---

    async def create_escalation(self, request: EscalationRequest) -> Escalation:
        return await self._post("/v1/escalations", Escalation, request, kept=True)

    async def escalations(
        self,
        *,
        mine: bool | None = None,
        status: EscalationStatus | None = None,
        category: EscalationCategory | None = None,
        department: str | None = None,
        overdue: bool | None = None,
        limit: int | None = None,
        after: int | None = None,
    ) -> EscalationList:
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
        return await self._get("/v1/escalations", EscalationList, params)

    async def escalation(self, no: str) -> Escalation:
        """One escalation with its timeline."""
        return await self._get(f"/v1/escalations/{no}", Escalation)

    async def assign_escalation(self, no: str, request: AssignRequest) -> Escalation:
        return await self._post(f"/v1/escalations/{no}/assign", Escalation, request)

    async def escalation_progress(self, no: str, note: str) -> Escalation:
        body = ProgressRequest(note=note)
        return await self._post(f"/v1/escalations/{no}/progress", Escalation, body)

    async def resolve_escalation(self, no: str, result: str) -> Escalation:
        body = ResolveRequest(result=result)
        return await self._post(f"/v1/escalations/{no}/resolve", Escalation, body)

    async def escalation_callback(self, no: str, request: CallbackRequest) -> Escalation:
        return await self._post(f"/v1/escalations/{no}/callback", Escalation, request)

    async def close_escalation(self, no: str, request: CloseRequest) -> Escalation:
        """销号, or with `out_of_scope` set: closed as not the hall's matter."""
        return await self._post(f"/v1/escalations/{no}/close", Escalation, request)

    # --- 好差评 ratings (the "ratings" helper; models in client/rating_models.py) ----------------

    async def post_rating(self, request: RatingRequest) -> Rating:
        """The rating pad's rating of a finished service (Conflict: rated already / closed)."""
        return await self._post("/v1/ratings", Rating, request)

    async def rating_tally(
        self,
        start: date,
        end: date,
        *,
        by: TallyBy = "day",
        staff: str | None = "me",
        window: int | None = None,
        department: str | None = None,
    ) -> RatingTally:
        """Tally of [start, end] (hall-local days); staff "me" for a clerk's own, None: hall."""
        params: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(), "by": by}
        extra = {"staff": staff, "window": window, "department": department}
        params.update({k: v for k, v in extra.items() if v is not None})
        return await self._get("/v1/ratings/tally", RatingTally, params)

    async def rating_table(
        self, start: date, end: date, group: TableGroup = "staff"
    ) -> RatingTable:
        params = {"from": start.isoformat(), "to": end.isoformat(), "group": group}
        return await self._get("/v1/ratings/table", RatingTable, params)

    async def ratings(
        self,
        *,
        staff: str | None = "me",
        bad: bool | None = None,
        open_only: bool = False,
        states: list[ReviewState] | None = None,
        start: date | None = None,
        end: date | None = None,
        limit: int = 200,
    ) -> list[Rating]:
        params: dict[str, Any] = {"limit": limit}
        if staff is not None:
            params["staff"] = staff
        if bad is not None:
            params["bad"] = "true" if bad else "false"
        if open_only:
            params["open"] = "true"
        if states:
            params["state"] = list(states)
        if start is not None:
            params["from"] = start.isoformat()
        if end is not None:
            params["to"] = end.isoformat()
        response = await self._request("GET", "/v1/ratings", params=params)
        try:
            return _list_of(Rating).validate_json(response.content)
        except ValidationError as exc:
            raise _contract_error(response) from exc

    async def rating(self, rating_id: int) -> Rating:
        return await self._get(f"/v1/ratings/{rating_id}", Rating)

    async def explain_rating(self, rating_id: int, text: str) -> Rating:
        body = ExplainRequest(text=text)
        return await self._post(f"/v1/ratings/{rating_id}/explain", Rating, body, kept=True)

    async def verify_rating(
        self, rating_id: int, verdict: Verdict, note: str = "", rectify_days: int | None = None
    ) -> Rating:
        body = VerifyRequest(verdict=verdict, note=note, rectify_days=rectify_days)
        return await self._post(f"/v1/ratings/{rating_id}/verify", Rating, body, kept=True)

    async def rectify_rating(self, rating_id: int, note: str) -> Rating:
        body = RectifyRequest(note=note)
        return await self._post(f"/v1/ratings/{rating_id}/rectify", Rating, body, kept=True)

    # --- end of ratings ----------------------------------------------------------------------

    # --- live and audit ---------------------------------------------------------------------

    async def poll_events(self, after: int) -> EventsPage:
        return await self._get("/v1/events/poll", EventsPage, {"after": after})

    async def audit(
        self, *, actor: str | None = None, object_id: str | None = None
    ) -> list[AuditRecord]:
        params = {k: v for k, v in {"actor": actor, "object": object_id}.items() if v}
        response = await self._request("GET", "/v1/audit", params=params)
        try:
            return _list_of(AuditRecord).validate_json(response.content)
        except ValidationError as exc:
            raise _contract_error(response) from exc


@functools.cache
def _list_of(model: type[M]) -> TypeAdapter[list[M]]:
    """Built on first use, not at import: the terminal's start needs none of these lists."""
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def _parse(model: type[M], response: httpx.Response) -> M:
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise _contract_error(response) from exc


def _contract_error(response: httpx.Response) -> errors.ServerError:
    return errors.ServerError(
        "The central API sent an answer this terminal does not understand; "
        "tell the hall's administrator (the server may be a different version).",
        status=response.status_code,
    )


def error_from_response(response: httpx.Response) -> errors.CentralError:
    status = response.status_code
    message = ""
    fields: dict[str, str] = {}
    reason: str | None = None
    params: dict[str, str] = {}
    try:
        body = ErrorResponse.model_validate_json(response.content)
        message, fields = body.error.message, body.error.fields
        reason, params = body.error.reason, body.error.params
    except ValidationError:
        pass
    if status >= 500:
        # A named fault (the central's disk is full …) keeps its reason: said in the
        # clerk's language like any refusal.
        return errors.ServerError(
            message or f"The central API failed (HTTP {status}); try again in a moment.",
            status=status,
            reason=reason,
            params=params,
        )
    cls = _STATUS_ERRORS.get(status, errors.ServerError)
    if not message:
        message = {
            401: "Your session has expired; log in again.",
            403: "You are not allowed to do that.",
            404: "That record does not exist on the central API.",
            429: "Too many attempts; wait a few minutes and try again.",
        }.get(status, f"The central API refused the request (HTTP {status}).")
    if cls is errors.Invalid:
        return errors.Invalid(message, status=status, fields=fields, reason=reason, params=params)
    return cls(message, status=status, reason=reason, params=params)
