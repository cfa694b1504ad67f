"""Cases of the general window: take one (受理 / 容缺受理 / 一次性告知 / 不予受理), read one,
find an applicant's earlier ones.

Clerks and supervisors take cases. Any clerk, supervisor or admin of the hall may read any
case of the hall (one database is one hall): a returning applicant is often served at a
different window by a different clerk, who needs the earlier notice. Devices may not.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from central import cases as intake
from central import idempotency
from central.context import Actor
from central.deps import get_store, idempotency_key, require_roles
from central.errors import ACTION, AUTHED, AUTHED_404
from central.routes.catalog import HallReference, get_reference
from central.store import Store
from client.case_models import Case, CaseRequest

router = APIRouter(prefix="/v1", tags=["cases"])

_readers = require_roles("clerk", "supervisor", "admin")


@router.post("/cases", response_model=Case, status_code=201, responses=ACTION)
def create_case(
    body: CaseRequest,
    request: Request,
    actor: Actor = Depends(require_roles("clerk", "supervisor")),
    store: Store = Depends(get_store),
    ref: HallReference = Depends(get_reference),
    key: str | None = Depends(idempotency_key),
) -> Response:
    """Take a case. 422 (with `fields`) when the applicant, checklist or decision break a
    rule; 409 when the ticket is not the one in service at the clerk's window."""
    return idempotency.perform(
        request,
        store,
        actor,
        key,
        body,
        lambda conn, ctx: intake.create_case(conn, ctx, ref.catalog, ref.calendar, body),
        status=201,
    )


@router.get("/cases/{case_no}", response_model=Case, responses=AUTHED_404)
def get_case(
    case_no: str = Path(max_length=40, description="办件编号, e.g. ZC2026111700012"),
    _actor: Actor = Depends(_readers),
    store: Store = Depends(get_store),
) -> Case:
    with store.read() as conn:
        return intake.get_case(conn, case_no)


@router.get("/cases", response_model=list[Case], responses=AUTHED)
def cases_for_applicant(
    applicant_id: str = Query(
        min_length=1, max_length=64, description="a person's ID number or an enterprise's USCC"
    ),
    _actor: Actor = Depends(_readers),
    store: Store = Depends(get_store),
) -> list[Case]:
    """An applicant's cases, newest first (at most 100): the earlier 一次性告知 when they return."""
    with store.read() as conn:
        return intake.cases_for_applicant(conn, applicant_id)
