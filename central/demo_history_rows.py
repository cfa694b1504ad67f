"""One past day of the demo hall, written many rows at a time: tickets served at windows 1–6,
the cases taken there, the citizens' ratings, and the audit trail of each.

The rows are the product's own: the same tables and columns the engine writes, numbers from
`ticket_number` and `case_number`, due dates from `due_date`, applicants and checklists
through the wire models, and audit payloads from `ticket_model` and the case's audit view —
only inserted a day at a time (a few statements) instead of one request per step, so thirty
days take well under a second. Events are not written: they are the live stream's, and no
terminal listens to the past. The day's roll-ups are recounted by the caller.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from central.calendar import WorkCalendar
from central.case_lookup import case_model
from central.cases import _audit_view, case_number, due_date
from central.hall import ticket_model
from central.schema import audit, case_sequences, cases, ticket_sequences, tickets, windows
from central.schema_ratings import ratings
from central.tickets import ticket_number
from client.case_models import Applicant, ChecklistEntry
from client.catalog_models import CatalogItem
from client.validators import resident_id_check_char

CLERKS = {1: "1001", 2: "1002", 3: "1003", 4: "1004", 5: "1005", 6: "1006"}
QUEUES = {1: "A", 2: "A", 3: "A", 4: "A", 5: "A", 6: "B"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "秀英建华桂兰国强志明丽娟海燕玉梅德胜淑珍"
SOURCE = "demo-history"


@dataclass
class Day:
    """What one day wrote that the caller goes on with (reviews, callbacks)."""

    served: int
    bad_rating_ids: list[int]


class Row:
    """Attribute access on a dict, for the product's row → model functions."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)


def citizen(rng: random.Random) -> tuple[str, str]:
    """A name and a valid 居民身份证 number of someone born 1940–1960."""
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(7300))
    first17 = f"350102{born:%Y%m%d}{rng.randrange(1000):03d}"
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    return name, first17 + resident_id_check_char(first17)


def _audit(at: datetime, actor: str, role: str, window: int | None, action: str,
           object_type: str, oid: str, before: Any, after: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "at": at, "actor": actor, "role": role, "window_no": window, "source": SOURCE,
        "action": action, "object_type": object_type, "object_id": oid, "before": before,
        "after": after,
    }  # fmt: skip


def _snapshot(row: dict[str, Any]) -> dict[str, Any]:
    return ticket_model(Row(row)).model_dump(mode="json")


def write_day(
    conn: Connection,
    day: date,
    opening: datetime,
    per_day: int,
    rng: random.Random,
    item: CatalogItem,
    catalog_version: str,
    calendar: WorkCalendar,
    staff_names: dict[str, str],
) -> Day:
    """Tickets, cases, ratings and their audit rows of one past working day."""
    first_id = int(conn.execute(select(func.coalesce(func.max(tickets.c.id), 0))).scalar_one())
    seq: dict[str, int] = defaultdict(int)
    trail: list[dict[str, Any]] = []
    ticket_rows: list[dict[str, Any]] = []
    served: list[dict[str, Any]] = []
    clock = opening
    for n in range(per_day):
        window = 1 + n % 6
        queue, clerk = QUEUES[window], CLERKS[window]
        clock += timedelta(minutes=rng.randint(2, 6))
        called = clock + timedelta(minutes=rng.randint(1, 25))
        seq[queue] += 1
        tid = first_id + n + 1
        row: dict[str, Any] = {
            "id": tid, "number": ticket_number(queue, seq[queue]), "issued_queue": queue,
            "queue_prefix": queue, "service_day": day, "seq": seq[queue], "kind": "walk_in",
            "status": "waiting", "issued_at": clock, "appointment_at": None, "called_at": None,
            "started_at": None, "finished_at": None, "window_no": None, "target_window": None,
            "staff_no": None, "recall_count": 0, "transferred_from": None,
        }  # fmt: skip
        waiting = _snapshot(row)
        trail.append(_audit(clock, "kiosk01", "device", None, "ticket.issue", "ticket",
                            str(tid), None, waiting))  # fmt: skip
        row.update(status="called", called_at=called, window_no=window, staff_no=clerk)
        calling = _snapshot(row)
        trail.append(_audit(called, clerk, "clerk", window, "ticket.call", "ticket", str(tid),
                            waiting, calling))  # fmt: skip
        if rng.random() < 0.05:
            row["status"] = "missed"
            trail.append(_audit(called + timedelta(minutes=2), clerk, "clerk", window,
                                "ticket.no_show", "ticket", str(tid), calling,
                                _snapshot(row)))  # fmt: skip
            ticket_rows.append(row)
            continue
        row.update(status="serving", started_at=called + timedelta(minutes=1))
        serving = _snapshot(row)
        trail.append(_audit(row["started_at"], clerk, "clerk", window, "ticket.start", "ticket",
                            str(tid), calling, serving))  # fmt: skip
        row.update(status="done", finished_at=called + timedelta(minutes=rng.randint(3, 15)))
        trail.append(_audit(row["finished_at"], clerk, "clerk", window, "ticket.finish",
                            "ticket", str(tid), serving, _snapshot(row)))  # fmt: skip
        ticket_rows.append(row)
        served.append(row)
    conn.execute(tickets.insert(), ticket_rows)
    conn.execute(
        ticket_sequences.insert(),
        [{"queue_prefix": q, "service_day": day, "last_seq": n} for q, n in seq.items()],
    )
    _cases(conn, day, served, rng, item, catalog_version, calendar, staff_names, trail)
    bad = _ratings(conn, day, served, rng, trail)
    trail.sort(key=lambda r: r["at"])  # the trail's ids follow time, as live
    conn.execute(audit.insert(), trail)
    return Day(served=len(served), bad_rating_ids=bad)


def _cases(conn: Connection, day: date, served: list[dict[str, Any]], rng: random.Random,
           item: CatalogItem, catalog_version: str, calendar: WorkCalendar,
           staff_names: dict[str, str], trail: list[dict[str, Any]]) -> None:  # fmt: skip
    """About a third of the services at the general windows take a 老年卡 case; most of
    those citizens leave a mobile, some came before and left it then."""
    rows: list[dict[str, Any]] = []
    due = due_date(item, day, calendar)
    for ticket in served:
        if ticket["window_no"] > 5 or rng.random() >= 0.35:
            continue
        name, ident = citizen(rng)
        mobile = f"139{rng.randint(10000000, 99999999)}" if rng.random() < 0.7 else ""
        applicant = Applicant(kind="person", name=name, id_kind="resident_id",
                              id_number=ident, mobile=mobile)  # fmt: skip
        checklist = [
            ChecklistEntry(material=m.name, state="received" if m.required else "missing")
            for m in item.materials
        ]
        seq = len(rows) + 1
        at = ticket["finished_at"] - timedelta(minutes=1)
        row: dict[str, Any] = {
            "case_no": case_number(day, seq), "service_day": day, "seq": seq,
            "item_code": item.code, "item_name": item.name,
            "department_name": item.department_name, "catalog_version": catalog_version,
            "decision": "accept", "created_at": at, "applicant_kind": "person",
            "applicant_key": ident, "applicant": applicant.model_dump(mode="json"),
            "checklist": [e.model_dump(mode="json") for e in checklist],
            "due_date": due.date, "due_guessed": due.guessed, "commitment_date": None,
            "delivery": "window", "address": None, "refuse_reason": None, "refer_to": None,
            "staff_no": ticket["staff_no"],
            "staff_name": staff_names.get(ticket["staff_no"], ticket["staff_no"]),
            "window_no": ticket["window_no"], "ticket_id": ticket["id"],
            "ticket_number": ticket["number"],
        }  # fmt: skip
        rows.append(row)
        view = _audit_view(case_model(row))
        trail.append(_audit(at, ticket["staff_no"], "clerk", ticket["window_no"], "case.accept",
                            "case", row["case_no"], None, view))  # fmt: skip
    if rows:
        conn.execute(cases.insert(), rows)
        conn.execute(case_sequences.insert().values(service_day=day, last_seq=len(rows)))


def pad_of(window_no: int) -> str:
    """The demo hall's rating pad at this window (central/seed/demo/hall.toml: one a window)."""
    return f"pad{window_no:02d}"


def _ratings(conn: Connection, day: date, served: list[dict[str, Any]], rng: random.Random,
             trail: list[dict[str, Any]]) -> list[int]:  # fmt: skip
    """Most citizens rate on the pad (a few 差评); the ids of the 差评."""
    departments = dict(conn.execute(select(windows.c.no, windows.c.department_code)).all())
    rows: list[dict[str, Any]] = []
    for ticket in served:
        if rng.random() >= 0.8:
            continue
        level = rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 8, 5, 2])[0]
        rows.append({
            "ticket_id": ticket["id"], "ticket_number": ticket["number"], "case_no": None,
            "service_day": day, "finished_at": ticket["finished_at"],
            "staff_no": ticket["staff_no"], "window_no": ticket["window_no"],
            "department_code": departments.get(ticket["window_no"]), "level": level,
            "reasons": ["slow"] if level <= 2 else ["friendly"],
            "comment": "等候时间太长" if level <= 2 else "", "channel": "pad",
            "is_default": False, "rated_at": ticket["finished_at"] + timedelta(minutes=1),
            "rated_by": pad_of(ticket["window_no"]),
            "review_state": "pending" if level <= 2 else None,
        })  # fmt: skip
    if not rows:
        return []
    conn.execute(ratings.insert(), rows)
    ids = dict(
        conn.execute(
            select(ratings.c.ticket_id, ratings.c.id).where(
                ratings.c.ticket_id.in_([r["ticket_id"] for r in rows])
            )
        ).all()
    )
    for r in rows:
        trail.append(_audit(r["rated_at"], r["rated_by"], "device", r["window_no"],
                            "rating.received", "rating", str(ids[r["ticket_id"]]), None,
                            {"ticket": r["ticket_number"], "level": r["level"],
                             "reasons": r["reasons"], "comment": r["comment"],
                             "channel": "pad", "staff_no": r["staff_no"]}))  # fmt: skip
    return [ids[r["ticket_id"]] for r in rows if r["level"] <= 2]
