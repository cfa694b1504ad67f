"""One working day of bench/year.py's hall: tickets, their audit rows, cases, citizens' ratings.

The rows are what the product writes for the same actions (central.tickets, cases, ratings):
the same tables, columns and audit payloads (a ticket's audit snapshot is the product's own
`ticket_model(...).model_dump(mode="json")`, a case's the product's `_audit_view`), only
inserted many at a time instead of one request each.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any

from bench.year_hall import (
    CITIZEN_RATINGS_PER_YEAR,
    DECISION_WEIGHTS,
    LEVEL_WEIGHTS,
    QUEUE_SHARE,
    STATUS_WEIGHTS,
    local,
    pick,
)
from central.calendar import WorkCalendar
from central.case_lookup import case_model
from central.cases import _audit_view, case_number, due_date
from central.hall import ticket_model
from central.tickets import ticket_number
from client.catalog_models import CatalogItem

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国海燕志文"


class Row:
    """Attribute access on a dict, for the product's row → model functions."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)


def resident_id(rng: random.Random, born: date) -> str:
    """A valid 居民身份证 number (GB 11643 check digit)."""
    body = f"350102{born:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


class Hall:
    """What one day's generator needs to know about the hall (read once)."""

    def __init__(
        self,
        windows_of: dict[str, list[tuple[int, str, bool]]],
        items: list[CatalogItem],
        calendar: WorkCalendar,
        catalog_version: str,
        department_of: dict[int, str | None],
    ) -> None:
        self.windows_of = windows_of  # queue → [(window, clerk, general)]
        self.department_of = department_of
        self.items = items
        self.calendar = calendar
        self.catalog_version = catalog_version
        self.rated_per_day = CITIZEN_RATINGS_PER_YEAR / 249


def _audit(at: datetime, actor: str, role: str, window: int | None, action: str, oid: int,
           before: Any, after: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "at": at, "actor": actor, "role": role, "window_no": window,
        "source": f"10.20.0.{window or 200}", "action": action, "object_type": "ticket",
        "object_id": str(oid), "before": before, "after": after,
    }  # fmt: skip


def stamp(v: datetime) -> str:
    """A UTC instant as the wire models write it (pydantic's JSON: microseconds only when
    non-zero, 'Z'); checked against the product's own `ticket_model` on each day's first
    ticket (see `_checked`)."""
    text = v.astimezone(timezone.utc).isoformat(timespec="microseconds")[:26]
    return (text[:19] if v.microsecond == 0 else text) + "Z"


def snapshot(row: dict[str, Any]) -> dict[str, Any]:
    """`ticket_model(row).model_dump(mode="json")` without building the model (five of them
    per ticket were most of the builder's time)."""
    return {
        "id": row["id"], "number": row["number"], "queue": row["queue_prefix"],
        "kind": row["kind"], "status": row["status"],
        "issued_at": stamp(row["issued_at"]), "appointment_at": None,
        "called_at": None if row["called_at"] is None else stamp(row["called_at"]),
        "started_at": None if row["started_at"] is None else stamp(row["started_at"]),
        "finished_at": None if row["finished_at"] is None else stamp(row["finished_at"]),
        "window_no": row["window_no"], "target_window": None, "staff_no": row["staff_no"],
        "recall_count": 0, "transferred_from": None,
    }  # fmt: skip


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    """The snapshot, compared with the product's own read model: the build stops if the wire
    model has changed and the bench has not followed."""
    mine = snapshot(row)
    theirs = ticket_model(Row(row)).model_dump(mode="json")
    if mine != theirs:
        raise SystemExit(f"bench/year_tickets.snapshot is stale: {mine} != {theirs}")
    return mine


def generate_day(
    hall: Hall,
    day: date,
    first_id: int,
    seed: int,
    now: datetime,
    count: int,
    keep_events: bool,
    keep_idempotency: bool,
    defaults: bool = False,
) -> dict[str, list[dict[str, Any]]]:
    """One working day's rows per table, generated in memory (no database: days are made in
    parallel and written by one writer). The day's own seed makes it the same whichever
    process makes it. Ratings carry no id yet: the writer numbers them (`_rating` marks the
    audit and event rows that name one, by its place in the day's ratings)."""
    rng = random.Random(f"{seed}:{day.isoformat()}")
    plan: list[tuple[datetime, str]] = []
    for queue, share in QUEUE_SHARE.items():
        for _ in range(round(count * share)):
            plan.append((local(day, rng.uniform(8.5 * 60, 16.75 * 60)), queue))
    plan.sort()
    seq: dict[str, int] = defaultdict(int)
    ticket_rows: list[dict[str, Any]] = []
    audit_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []
    served: list[dict[str, Any]] = []
    tid = first_id
    seen: set[str] = set()

    def look(row: dict[str, Any]) -> dict[str, Any]:
        """The first ticket in each state each day is checked against the product."""
        if row["status"] in seen:
            return snapshot(row)
        seen.add(row["status"])
        return _checked(row)

    for issued, queue in plan:
        if issued > now:
            break
        seq[queue] += 1
        window, clerk, general = rng.choice(hall.windows_of[queue])
        status = pick(rng, STATUS_WEIGHTS)
        # 10,000 a day at 55 windows: a few minutes each (many are quick: a collection, a
        # question); windows are not modelled one citizen at a time.
        called = issued + timedelta(minutes=rng.uniform(2, 30))
        started = called + timedelta(seconds=rng.uniform(10, 40))
        finished = started + timedelta(minutes=rng.uniform(1, 6))
        row: dict[str, Any] = {
            "id": tid, "number": ticket_number(queue, seq[queue]), "issued_queue": queue,
            "queue_prefix": queue, "service_day": day, "seq": seq[queue], "kind": "walk_in",
            "status": "waiting", "issued_at": issued, "appointment_at": None, "called_at": None,
            "started_at": None, "finished_at": None, "window_no": None, "target_window": None,
            "staff_no": None, "recall_count": 0, "transferred_from": None,
        }  # fmt: skip
        waiting = look(row)
        audit_rows.append(
            _audit(issued, "kiosk01", "device", None, "ticket.issue", tid, None, waiting)
        )
        event_rows.append({"type": "queue.changed", "at": issued, "queue": queue})
        keys.append({"actor": "kiosk01", "at": issued, "body": waiting})
        if status == "cancelled" or called > now:
            if status == "cancelled" and called <= now:
                row["status"] = "cancelled"
                after = look(row)
                audit_rows.append(
                    _audit(called, "2001", "supervisor", None, "ticket.cancel", tid, waiting, after)
                )
            ticket_rows.append(row)
            tid += 1
            continue
        row.update(status="called", called_at=called, window_no=window, staff_no=clerk)
        calls = look(row)
        audit_rows.append(
            _audit(
                called,
                clerk,
                "clerk",
                window,
                "ticket.call",
                tid,
                {**calls, "status": "waiting", "window_no": None, "called_at": None},
                calls,
            )
        )
        for kind in ("ticket.called", "queue.changed", "window.changed"):
            event_rows.append(
                {"type": kind, "at": called, "queue": queue, "ticket_id": tid, "window_no": window}
            )
        if status == "missed":
            row["status"] = "missed"
            after = look(row)
            audit_rows.append(
                _audit(started, clerk, "clerk", window, "ticket.no_show", tid, calls, after)
            )
            ticket_rows.append(row)
            tid += 1
            continue
        row.update(status="serving", started_at=started)
        serving = look(row)
        audit_rows.append(
            _audit(started, clerk, "clerk", window, "ticket.start", tid, calls, serving)
        )
        if finished <= now:
            row.update(status="done", finished_at=finished)
            done = look(row)
            audit_rows.append(
                _audit(finished, clerk, "clerk", window, "ticket.finish", tid, serving, done)
            )
            event_rows.append({"type": "window.changed", "at": finished, "window_no": window})
            served.append({**row, "general": general})
            keys.append({"actor": clerk, "at": finished, "body": done})
        ticket_rows.append(row)
        tid += 1
    out: dict[str, list[dict[str, Any]]] = {"tickets": ticket_rows}
    out["ticket_sequences"] = [
        {"queue_prefix": q, "service_day": day, "last_seq": n} for q, n in seq.items()
    ]
    case_rows = _cases(hall, day, served, rng, audit_rows)
    out["cases"] = case_rows
    if case_rows:
        out["case_sequences"] = [{"service_day": day, "last_seq": len(case_rows)}]
    out["ratings"] = _ratings(hall, day, served, rng, now, audit_rows, event_rows)
    if defaults:
        out["ratings"] += _defaults(hall, served, out["ratings"], audit_rows)
    audit_rows.sort(key=lambda r: r["at"])  # the trail's ids follow time, as live
    out["audit"] = audit_rows
    if keep_events:
        for e in event_rows:
            e.setdefault("queue", None), e.setdefault("ticket_id", None)
            e.setdefault("window_no", None), e.setdefault("object_id", None)
            e["hall"] = "demo"
        event_rows.sort(key=lambda r: r["at"])
        out["events"] = event_rows
    if keep_idempotency:
        out["idempotency_keys"] = [
            {"actor": k["actor"], "key": f"bench-{day}-{i}", "request": f"{i:064x}",
             "status_code": 201, "body": json.dumps(k["body"]), "created_at": k["at"]}
            for i, k in enumerate(keys)
        ]  # fmt: skip
    return out


def _cases(hall: Hall, day: date, served: list[dict[str, Any]], rng: random.Random,
           audit_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:  # fmt: skip
    """An intake for each service of the A queue at a general window (综合窗口)."""
    rows: list[dict[str, Any]] = []
    for ticket in served:
        if ticket["queue_prefix"] != "A" or not ticket["general"]:
            continue
        item = rng.choice(hall.items)
        decision = str(pick(rng, DECISION_WEIGHTS))
        seq = len(rows) + 1
        at = ticket["started_at"] + (ticket["finished_at"] - ticket["started_at"]) * 0.8
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        ident = resident_id(rng, born)
        checklist = []
        for m in item.materials:
            state = "received"
            if decision == "notice" and m.required and rng.random() < 0.5:
                state = rng.choice(("missing", "flawed"))
            elif decision == "tolerate" and m.tolerable:
                state = "tolerated"
            checklist.append({"material": m.name, "state": state,
                              "note": "" if state == "received" else "缺少原件"})  # fmt: skip
        due = due_date(item, day, hall.calendar)
        taken = decision in ("accept", "tolerate")
        row: dict[str, Any] = {
            "case_no": case_number(day, seq), "service_day": day, "seq": seq,
            "item_code": item.code, "item_name": item.name,
            "department_name": item.department_name, "catalog_version": hall.catalog_version,
            "decision": decision, "created_at": at, "applicant_kind": "person",
            "applicant_key": ident,
            "applicant": {"kind": "person", "name": name, "id_kind": "resident_id",
                          "id_number": ident, "uscc": None, "contact": "",
                          "mobile": f"13{rng.randrange(10**9):09d}", "agent": None},
            "checklist": checklist,
            "due_date": due.date if taken else None,
            "due_guessed": due.guessed if taken else False,
            "commitment_date": due.date if decision == "tolerate" else None,
            "delivery": "window", "address": None,
            "refuse_reason": "不属于本中心受理范围" if decision == "refuse" else None,
            "refer_to": "市信访局" if decision == "refuse" else None,
            "staff_no": ticket["staff_no"], "staff_name": f"柜员{ticket['staff_no']}",
            "window_no": ticket["window_no"], "ticket_id": ticket["id"],
            "ticket_number": ticket["number"],
        }  # fmt: skip
        rows.append(row)
        audit_rows.append({
            "at": at, "actor": ticket["staff_no"], "role": "clerk",
            "window_no": ticket["window_no"], "source": f"10.20.0.{ticket['window_no']}",
            "action": f"case.{decision}", "object_type": "case", "object_id": row["case_no"],
            "before": None, "after": _audit_view(case_model(row)),
        })  # fmt: skip
    return rows


def _ratings(hall: Hall, day: date, served: list[dict[str, Any]], rng: random.Random,
             now: datetime, audit_rows: list[dict[str, Any]],
             event_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:  # fmt: skip
    """The citizens' ratings on the pad (about 150 a working day)."""
    wanted = min(len(served), int(hall.rated_per_day + rng.random()))
    rows: list[dict[str, Any]] = []
    for ticket in rng.sample(served, wanted):
        at = ticket["finished_at"] + timedelta(seconds=rng.uniform(5, 120))
        if at > now:
            continue
        level = int(pick(rng, LEVEL_WEIGHTS))  # type: ignore[call-overload]
        comment = "等了太久，态度一般" if level <= 2 else ""
        reasons = ["slow"] if level <= 2 else ["friendly"]
        rows.append({
            "id": None, "ticket_id": ticket["id"], "ticket_number": ticket["number"],
            "case_no": None,
            "service_day": day, "finished_at": ticket["finished_at"],
            "staff_no": ticket["staff_no"], "window_no": ticket["window_no"],
            "department_code": hall.department_of.get(ticket["window_no"]), "level": level,
            "reasons": reasons, "comment": comment, "channel": "pad", "is_default": False,
            "rated_at": at, "rated_by": "pad01",
            "review_state": "pending" if level <= 2 else None,
        })  # fmt: skip
    for offset, r in enumerate(rows):
        audit_rows.append({
            "at": r["rated_at"], "actor": "pad01", "role": "device", "window_no": r["window_no"],
            "source": "10.20.1.1", "action": "rating.received", "object_type": "rating",
            "object_id": None, "_rating": offset, "before": None,
            "after": {"ticket": r["ticket_number"], "level": r["level"], "reasons": r["reasons"],
                      "comment": r["comment"], "channel": "pad", "staff_no": r["staff_no"]},
        })  # fmt: skip
        event_rows.append({"type": "rating.received", "at": r["rated_at"],
                           "ticket_id": r["ticket_id"], "window_no": r["window_no"],
                           "object_id": None, "_rating": offset})  # fmt: skip
    return rows


DEFAULT_LEVEL = 5  # Settings.rating_default_level
WINDOW = timedelta(days=7)  # Settings.rating_window_days
SWEEP_BATCH = 200  # central.ratings.SWEEP_BATCH when these years were swept


def _defaults(hall: Hall, served: list[dict[str, Any]], rated: list[dict[str, Any]],
              audit_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:  # fmt: skip
    """The default of each service of the day left unrated, as the sweep stores it."""
    cited = {r["ticket_id"] for r in rated}
    due = sorted(
        (t for t in served if t["id"] not in cited), key=lambda t: (t["finished_at"], t["id"])
    )
    rows = [
        {"id": None, "ticket_id": t["id"], "ticket_number": t["number"], "case_no": None,
         "service_day": t["service_day"], "finished_at": t["finished_at"],
         "staff_no": t["staff_no"], "window_no": t["window_no"],
         "department_code": hall.department_of.get(t["window_no"]), "level": DEFAULT_LEVEL,
         "reasons": [], "comment": "", "channel": "default", "is_default": True,
         "rated_at": t["finished_at"] + WINDOW, "rated_by": None, "review_state": None}
        for t in due
    ]  # fmt: skip
    if not due:
        return rows
    swept = local(due[-1]["service_day"] + WINDOW, 20 * 60)  # that evening's run of the job
    for i in range(0, len(due), SWEEP_BATCH):
        batch = due[i : i + SWEEP_BATCH]
        done = len(batch) < SWEEP_BATCH
        until = swept - WINDOW if done else batch[-1]["finished_at"] - timedelta(microseconds=1)
        audit_rows.append({
            "at": swept, "actor": None, "role": None, "window_no": None,
            "source": "rating-sweep", "action": "rating.defaults", "object_type": "rating",
            "object_id": "defaults", "before": None,
            "after": {"level": DEFAULT_LEVEL, "count": len(batch), "until": until.isoformat(),
                      "tickets": [t["id"] for t in batch]},
        })  # fmt: skip
    return rows
