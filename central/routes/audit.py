"""GET /v1/audit: the audit trail, for supervisors and admins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Response

from central import audit as trail
from central import paging
from central.deps import StoreDep, Supervisor
from central.errors import AUTHED, Invalid, require_text
from central.hall_time import as_utc
from client.models import AuditRecord

router = APIRouter(prefix="/v1", tags=["audit"])


def _moment(field: str, value: str | None) -> datetime | None:
    """An ISO 8601 date-time (not a bare number: pydantic would take that as a timestamp)."""
    if value is None:
        return None
    try:
        # Python 3.10 does not read a trailing Z.
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        message = f"The {field} time must be an ISO 8601 date-time."
        raise Invalid(
            message,
            fields={field: "not an ISO 8601 date-time"},
            reason="time_not_iso",
            params={"field": field},
        ) from None
    except OverflowError:
        message = f"The {field} time is out of range."
        raise Invalid(
            message,
            fields={field: "out of range"},
            reason="time_out_of_range",
            params={"field": field},
        ) from None


DATE_TIME = {"format": "date-time"}


@router.get("/audit", response_model=list[AuditRecord], responses=AUTHED)
def get_audit(
    response: Response,
    _who: Supervisor,
    store: StoreDep,
    actor: str | None = Query(default=None, max_length=64, description="staff number"),
    object_ref: str | None = Query(
        default=None, alias="object", max_length=100, description="object id, or type:id"
    ),
    start: str | None = Query(
        default=None, alias="from", max_length=64, json_schema_extra=DATE_TIME
    ),
    end: str | None = Query(default=None, alias="to", max_length=64, json_schema_extra=DATE_TIME),
    after: int | None = Query(
        default=None, ge=0, le=2**63 - 1, description="the X-Next-After of the page before"
    ),
    limit: int = Query(default=100, ge=1, le=5000),
) -> list[AuditRecord]:
    """Oldest first; `from` inclusive, `to` exclusive; naive times are hall-local (UTC+8).
    One page (`limit`, default 100) after the id `after`; the headers X-Total-Count and
    X-Next-After say how many match and where the next page starts (central.paging)."""
    filters: dict[str, Any] = {
        "actor": require_text("actor", actor) if actor else None,
        "object_ref": require_text("object", object_ref) if object_ref else None,
        "start": _moment("from", start),
        "end": _moment("to", end),
    }
    with store.read() as conn:
        found = trail.search(conn, **filters, after=after, limit=limit)
        total, exact = trail.count(conn, **filters)
    paging.headers(response, total, exact, found[-1].id if len(found) == limit else None)
    return found
