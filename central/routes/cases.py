"""Cases of the general window: take one (受理 / 容缺受理 / 一次性告知 / 不予受理), read one,
find an applicant's earlier ones.

Clerks and supervisors take cases. Any clerk, supervisor or admin of the hall may read any
case of the hall (one database is one hall): a returning applicant is often served at a
different window by a different clerk, who needs the earlier notice. Devices may not.
"""

from __future__ import annotations

from fastapi import APIRouter, Path, Query, Response

from central import case_lookup
from central import cases as intake
from central.deps import DeskStaff, HallStaff, Idempotent, Reference, StoreDep
from central.errors import ACTION, AUTHED, AUTHED_404
from client.case_models import Case, CaseRequest

router = APIRouter(prefix="/v1", tags=["cases"])


@router.post("/cases", response_model=Case, status_code=201, responses=ACTION)
def create_case(body: CaseRequest, _actor: DeskStaff, act: Idempotent, ref: Reference) -> Response:
    """Take a case. 422 (with `fields`) when the applicant, checklist or decision break a
    rule; 409 when the ticket is not the one in service at the clerk's window."""
    return act(
        body,
        lambda conn, ctx: intake.create_case(conn, ctx, ref.catalog, ref.calendar, body),
        status=201,
    )


@router.get("/cases/{case_no}", response_model=Case, responses=AUTHED_404)
def get_case(
    _actor: HallStaff,
    store: StoreDep,
    case_no: str = Path(max_length=40, description="办件编号, e.g. ZC2026111700012"),
) -> Case:
    with store.read() as conn:
        return case_lookup.get_case(conn, case_no)


@router.get("/cases", response_model=list[Case], responses=AUTHED)
def cases_for_applicant(
    _actor: HallStaff,
    store: StoreDep,
    applicant_id: str = Query(
        min_length=1, max_length=64, description="a person's ID number or an enterprise's USCC"
    ),
) -> list[Case]:
    """An applicant's cases, newest first (at most 100): the earlier 一次性告知 when they return."""
    with store.read() as conn:
        return case_lookup.cases_for_applicant(conn, applicant_id)
