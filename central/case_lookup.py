"""Cases looked up (调取): one case by its number, or an applicant's earlier cases by ID number
or credit code, so a citizen who comes back with a 一次性告知 is found at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from central.errors import Invalid, NotFound, require_text
from central.schema import cases
from client.case_models import Applicant, Case, ChecklistEntry
from client.validators import normalise_id

LOOKUP_LIMIT = 100


def get_case(conn: Connection, case_no: str) -> Case:
    wanted = normalise_id(case_no)
    row = conn.execute(select(cases).where(cases.c.case_no == wanted)).first()
    if row is None:
        raise NotFound(
            f"There is no case {case_no}.", reason="no_case", params={"case_no": case_no}
        )
    return case_model(row._asdict())


def cases_for_applicant(conn: Connection, applicant_id: str) -> list[Case]:
    """An applicant's cases (person ID number or enterprise USCC), newest first."""
    key = normalise_id(require_text("applicant_id", applicant_id))
    if not key:
        raise Invalid(
            "Give the applicant's ID number or credit code.",
            fields={"applicant_id": "required"},
            reason="give_applicant_s_id_number",
        )
    rows = conn.execute(
        select(cases)
        .where(cases.c.applicant_key == key)
        .order_by(cases.c.created_at.desc(), cases.c.id.desc())
        .limit(LOOKUP_LIMIT)
    ).all()
    return [case_model(r._asdict()) for r in rows]


def case_model(row: dict[str, Any]) -> Case:
    return Case(
        case_no=row["case_no"],
        item_code=row["item_code"],
        item_name=row["item_name"],
        department_name=row["department_name"],
        decision=row["decision"],
        created_at=row["created_at"],
        applicant=Applicant.model_validate(row["applicant"]),
        checklist=[ChecklistEntry.model_validate(e) for e in row["checklist"]],
        due_date=row["due_date"],
        due_guessed=bool(row["due_guessed"]),
        commitment_date=row["commitment_date"],
        delivery=row["delivery"],
        address=row["address"],
        refuse_reason=row["refuse_reason"],
        refer_to=row["refer_to"],
        staff_no=row["staff_no"],
        staff_name=row["staff_name"],
        window_no=row["window_no"],
        ticket_id=row["ticket_id"],
        ticket_number=row["ticket_number"],
    )
