"""The role matrix: every operation of the API, asked by every kind of account (and by no one),
against the table below of who may. A route that lets in a role it should not — or a new route
nobody put in the table — fails here.

Each account asks every operation on a hall of its own (so one account's changes cannot hide
another's refusal), with the request's own fields filled where the role is checked only after
the body is read. A cell is "+" when the account got past the role check (any answer but 401
or 403: 200, 404 for an id that is not there, 409 for a step that does not apply, 422 …), "-"
when it was refused 403; every operation but signing in answers 401 without a token.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx

from central.app import create_app
from central.settings import Settings
from tests.conftest import FakeClock

# clerk 1001, supervisor 2001, admin 0001, then the devices: ticket kiosk, rating pad, display.
ACCOUNTS = ("1001", "2001", "0001", "kiosk01", "pad01", "display01")

MATRIX = """
-++--- GET  /v1/alerts
++++++ GET  /v1/announcements
++++++ GET  /v1/announcements/{announcement_id}
-++--- GET  /v1/audit
-++--- GET  /v1/board
-++--- GET  /v1/board/tickets/{number}
++++++ GET  /v1/calendar/due
-++--- GET  /v1/callbacks
-++--- GET  /v1/callbacks/complaints
+++--- GET  /v1/cases
+++--- GET  /v1/cases/{case_no}
++++++ GET  /v1/catalog
++++++ GET  /v1/catalog/items
++++++ GET  /v1/catalog/items/{code}
++++++ GET  /v1/catalog/version
?????? GET  /v1/devices/me
+++--- GET  /v1/escalations
+++--- GET  /v1/escalations/{no}
++++++ GET  /v1/events/poll
++++++ GET  /v1/hall
++++-- GET  /v1/kiosk
++++-- GET  /v1/kiosk/slips
++++-- GET  /v1/kiosk/slips/{ticket_id}
++++++ GET  /v1/me
----+- GET  /v1/pad
++++++ GET  /v1/queues
+++--- GET  /v1/ratings
-++--- GET  /v1/ratings/table
+++--- GET  /v1/ratings/tally
+++--- GET  /v1/ratings/{rating_id}
-++--- GET  /v1/reports/{kind}
-++--- GET  /v1/reports/{kind}/cases
++++++ GET  /v1/tickets/{ticket_id}
++++++ GET  /v1/windows/{no}
-++--- POST /v1/alerts/{alert_id}/acknowledge
-++--- POST /v1/appointments
-+++-- POST /v1/appointments/check-in
-++--- POST /v1/callbacks/draw
-++--- POST /v1/callbacks/{callback_id}/record
-++--- POST /v1/callbacks/{callback_id}/rectify
-++--- POST /v1/callbacks/{callback_id}/verify
++---- POST /v1/cases
-++--- POST /v1/devices/{staff_no}/sign-out
++---- POST /v1/escalations
-++--- POST /v1/escalations/{no}/assign
-++--- POST /v1/escalations/{no}/callback
-++--- POST /v1/escalations/{no}/close
-++--- POST /v1/escalations/{no}/progress
-++--- POST /v1/escalations/{no}/resolve
----+- POST /v1/ratings
+----- POST /v1/ratings/{rating_id}/explain
-++--- POST /v1/ratings/{rating_id}/rectify
-++--- POST /v1/ratings/{rating_id}/verify
-+++-- POST /v1/tickets
+++--- POST /v1/tickets/{ticket_id}/call-back
-++--- POST /v1/tickets/{ticket_id}/cancel
+++--- POST /v1/tickets/{ticket_id}/finish
+++--- POST /v1/tickets/{ticket_id}/hold
-++--- POST /v1/tickets/{ticket_id}/move
+++--- POST /v1/tickets/{ticket_id}/no-show
-++--- POST /v1/tickets/{ticket_id}/reactivate
+++--- POST /v1/tickets/{ticket_id}/recall
+++--- POST /v1/tickets/{ticket_id}/start
+++--- POST /v1/tickets/{ticket_id}/transfer
+++--- POST /v1/windows/{no}/call-next
+++--- POST /v1/windows/{no}/call-ticket
+++--- POST /v1/windows/{no}/pause
-++--- POST /v1/windows/{no}/queues
+++--- POST /v1/windows/{no}/resume
+++--- POST /v1/windows/{no}/sign-off
+++--- POST /v1/windows/{no}/sign-on
"""
# ("?": a device page's own session is a cookie; a bearer token is no such session: 401.)

# Not asked: the stream never ends (its polling twin is), and these begin or end a session.
NOT_ASKED = {
    ("GET", "/v1/events"),
    ("POST", "/v1/auth/login"),
    ("POST", "/v1/auth/logout"),
    ("POST", "/v1/devices/sign-in"),
    ("POST", "/v1/devices/sign-out"),
}
SLOT = {"queue": "A", "slot_start": "2026-11-17T09:40:00+08:00",
        "slot_end": "2026-11-17T10:10:00+08:00", "phone": "13800138000"}  # fmt: skip
# Bodies for the routes whose role is checked after the body is read (the others get {}).
BODIES: dict[str, Any] = {
    "/v1/appointments": SLOT,
    # No such booking: whether one exists is itself for the kiosk and supervisors only.
    "/v1/appointments/check-in": {"code": "000000"},
    "/v1/ratings": {"ticket_id": 1, "level": 5},
    "/v1/ratings/{rating_id}/explain": {"text": "说明"},
    "/v1/ratings/{rating_id}/rectify": {"note": "整改"},
    "/v1/ratings/{rating_id}/verify": {"verdict": "upheld"},
    "/v1/tickets": {"queue": "A"},
    "/v1/tickets/{ticket_id}/transfer": {"queue": "B"},
    "/v1/windows/{no}/pause": {"reason": "break"},
}
PATH_VALUES = {"no": "BBC-20261117-0001", "number": "A001", "staff_no": "display01",
               "kind": "day"}  # fmt: skip


def expected() -> dict[tuple[str, str], str]:
    table = {}
    for line in MATRIX.strip().splitlines():
        cells, method, path = line.split()
        table[(method, path)] = cells
    return table


def address(path: str, operation: dict[str, Any]) -> str:
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            name = param["name"]
            value = "1" if param["schema"].get("type") == "integer" else PATH_VALUES.get(name, "x")
            path = path.replace("{" + name + "}", value)
    return path


async def answers(tmp_path: Path, who: str | None) -> dict[tuple[str, str], int]:
    """Every operation asked by `who` (None: without a token) on a hall of its own, where
    window 1's clerk has served ticket 1 and the pad rated it 1 (a 差评); ticket 2 waits."""
    folder = tmp_path / (who or "nobody")
    folder.mkdir()
    settings = Settings(db_path=str(folder / "c.db"), seed="demo", kdf_fast=True, clock=FakeClock())
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    found = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as api:

        async def token(staff_no: str) -> dict[str, str]:
            body = {"staff_no": staff_no, "password": "counter"}
            answer = await api.post("/v1/auth/login", json=body)
            return {"Authorization": f"Bearer {answer.json()['token']}"}

        clerk, kiosk, pad = [await token(s) for s in ("1001", "kiosk01", "pad01")]
        for step, body, headers in (
            ("/v1/windows/1/sign-on", None, clerk),
            ("/v1/tickets", {"queue": "A"}, kiosk),
            ("/v1/windows/1/call-next", None, clerk),
            ("/v1/tickets/1/start", None, clerk),
            ("/v1/tickets/1/finish", None, clerk),
            ("/v1/ratings", {"ticket_id": 1, "level": 1}, pad),
            ("/v1/tickets", {"queue": "A"}, kiosk),
        ):
            done = await api.post(step, json=body, headers=headers)
            assert done.status_code < 300, (step, done.text)
        headers = await token(who) if who else {}
        for path, operations in app.openapi()["paths"].items():
            for method, operation in operations.items():
                key = (method.upper(), path)
                if key in NOT_ASKED:
                    continue
                body = {"json": BODIES.get(path, {})} if method == "post" else {}
                answer = await api.request(
                    key[0], address(path, operation), headers=headers, **body
                )
                found[key] = answer.status_code
    app.state.store.dispose()
    return found


def cell(status: int) -> str:
    return {401: "?", 403: "-"}.get(status, "+")


async def test_every_route_lets_in_only_the_roles_the_table_names(tmp_path: Path) -> None:
    table = expected()
    nobody, *asked = await asyncio.gather(
        answers(tmp_path, None), *(answers(tmp_path, who) for who in ACCOUNTS)
    )
    assert set(nobody) == set(table), "a route missing from the table, or one that is gone"
    assert {key: status for key, status in nobody.items() if status != 401} == {}
    found = {key: "".join(cell(by[key]) for by in asked) for key in table}
    holes = {
        f"{method} {path}": f"table {table[(method, path)]}, found {cells}"
        for (method, path), cells in found.items()
        if cells != table[(method, path)]
    }
    assert holes == {}
    assert sum(len(cells) + 1 for cells in found.values()) >= 7 * 70  # the cases asked
    assert all(re.fullmatch(r"[-+?]{6}", cells) for cells in table.values())
