"""Whom a 回访 call can reach: the number known for each finished service, and why none is.

A hall calls the citizen on the number it holds. In order of trust:
  case        the mobile the intake recorded for the case taken at that service;
  applicant   no mobile on that case, but the same applicant (same ID number or credit code)
              left one on an earlier case: the newest such number;
  appointment the citizen booked the service and checked in: the booking's phone.
A service with none of these cannot be called: `no_mobile` when a case was taken but its
applicant never left a mobile, `no_case` when nothing about the citizen is on record (a
consultation, a collection without an intake, no booking).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from central.schema import cases
from central.schema_devices import appointments
from client.supervisor_models import NotCallable, PhoneSource

CHUNK = 500  # ids per IN (…): well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class Known:
    case_no: str | None
    name: str
    phone: str
    source: PhoneSource


def _mobile(applicant: Any) -> str:
    return str((applicant or {}).get("mobile") or "").strip()


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def numbers(
    conn: Connection, ticket_ids: list[int]
) -> tuple[dict[int, Known], dict[int, NotCallable]]:
    """ticket id → the number known for its service, and ticket id → why there is none."""
    known: dict[int, Known] = {}
    taken: dict[int, tuple[str | None, str, str]] = {}  # ticket → (case no, name, applicant key)
    for chunk in _chunks(ticket_ids):
        rows = conn.execute(
            select(cases.c.ticket_id, cases.c.case_no, cases.c.applicant, cases.c.applicant_key)
            .where(cases.c.ticket_id.in_(chunk))
            .order_by(cases.c.id)
        ).all()
        for r in rows:
            tid = int(r.ticket_id)
            name = str((r.applicant or {}).get("name") or "")
            mobile = _mobile(r.applicant)
            if mobile and tid not in known:
                known[tid] = Known(r.case_no, name, mobile, "case")
            elif tid not in taken:
                taken[tid] = (r.case_no, name, r.applicant_key)
    for tid in known:
        taken.pop(tid, None)
    # The same applicant's mobile from another case, the newest first.
    by_key: dict[str, str] = {}
    for chunk in _chunks(sorted({key for _, _, key in taken.values()})):
        earlier = conn.execute(
            select(cases.c.applicant_key, cases.c.applicant)
            .where(cases.c.applicant_key.in_(chunk))
            .order_by(cases.c.created_at.desc(), cases.c.id.desc())
        ).all()
        for e in earlier:
            mobile = _mobile(e.applicant)
            if mobile and e.applicant_key not in by_key:
                by_key[e.applicant_key] = mobile
    for tid, (case_no, name, key) in taken.items():
        if key in by_key:
            known[tid] = Known(case_no, name, by_key[key], "applicant")
    missing = [tid for tid in ticket_ids if tid not in known]
    for chunk in _chunks(missing):
        for b in conn.execute(
            select(appointments.c.ticket_id, appointments.c.name, appointments.c.phone).where(
                appointments.c.ticket_id.in_(chunk)
            )
        ).all():
            phone = str(b.phone or "").strip()
            tid = int(b.ticket_id)
            if phone:
                booked_case = taken[tid][0] if tid in taken else None
                known[tid] = Known(booked_case, str(b.name or ""), phone, "appointment")
    why: dict[int, NotCallable] = {
        tid: ("no_mobile" if tid in taken else "no_case") for tid in ticket_ids if tid not in known
    }
    return known, why
