"""Lists page by keyset with a total count (central.paging): the audit trail, the ratings list
and the escalation ledger. Following X-Next-After (next_after) page by page gives every row
once, in order, and the count says how many there are."""

from __future__ import annotations

from typing import Any

import httpx

from client.asgi import StreamingASGITransport
from client.escalation_models import EscalationRequest
from client.rating_models import RatingRequest


async def serve(make_client: Any, count: int) -> list[int]:
    """`count` services finished at window 5 by clerk 1005."""
    kiosk, desk = await make_client("kiosk01"), await make_client("1005")
    await desk.sign_on(5)
    done: list[int] = []
    for _ in range(count):
        await kiosk.issue_ticket("A")
        ticket = await desk.call_next(5)
        assert ticket is not None
        await desk.start(ticket.id)
        done.append((await desk.finish(ticket.id)).id)
    return done


async def raw(central_app: Any, staff_no: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(
        base_url="http://central.test", transport=StreamingASGITransport(central_app)
    )
    login = await http.post(
        "/v1/auth/login",
        json={"staff_no": staff_no, "password": "counter"},
        headers={"Idempotency-Key": f"login-{staff_no}"},
    )
    http.headers["Authorization"] = f"Bearer {login.json()['token']}"
    return http


async def pages(http: httpx.AsyncClient, path: str, limit: int) -> tuple[list[int], list[str]]:
    """Every id, following the cursor; and the X-Total-Count of each page."""
    ids: list[int] = []
    totals: list[str] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if after is not None:
            params["after"] = after
        answer = await http.get(path, params=params)
        assert answer.status_code == 200, answer.text
        ids += [row["id"] for row in answer.json()]
        totals.append(answer.headers["X-Total-Count"])
        after = answer.headers.get("X-Next-After")
        if after is None:
            return ids, totals


async def test_audit_and_ratings_page_by_keyset_with_a_count(
    make_client: Any, central_app: Any
) -> None:
    served = await serve(make_client, 5)
    pad = await make_client("pad05")  # services finished at window 5
    for ticket_id, level in zip(served, (5, 4, 3, 5, 1), strict=True):
        await pad.post_rating(RatingRequest(ticket_id=ticket_id, level=level))
    boss = await raw(central_app, "2001")
    try:
        everything = [r["id"] for r in (await boss.get("/v1/audit?limit=5000")).json()]
        ids, totals = await pages(boss, "/v1/audit", 4)
        assert ids == everything and len(ids) > 8
        assert set(totals) == {str(len(everything))}
        newest_first = [r["id"] for r in (await boss.get("/v1/ratings?limit=1000")).json()]
        ids, totals = await pages(boss, "/v1/ratings", 2)
        assert ids == newest_first and len(ids) == 5 and set(totals) == {"5"}
        # The 差评 queue is short: one page with its count, no cursor.
        bad = await boss.get("/v1/ratings?bad=true&limit=1")
        assert bad.headers["X-Total-Count"] == "1" and "X-Next-After" not in bad.headers
        # A time-bounded page of the trail reads only its stretch.
        first = (await boss.get("/v1/audit?limit=1")).json()[0]
        stretch = await boss.get("/v1/audit", params={"from": first["at"], "limit": 2})
        assert stretch.json()[0]["id"] == first["id"]
        none = await boss.get("/v1/audit", params={"from": "2099-01-01T00:00:00"})
        assert none.json() == [] and none.headers["X-Total-Count"] == "0"
    finally:
        await boss.aclose()


async def test_the_ledger_pages_with_its_total(make_client: Any) -> None:
    clerk, boss = await make_client("1001"), await make_client("2001")
    body = {
        "reporter": {"kind": "person", "name": "王秀英", "phone": "13800138000"},
        "category": "complex",
        "description": "材料交了三次仍未办结",
    }
    made = [
        (await clerk.create_escalation(EscalationRequest.model_validate(body))).no for _ in range(5)
    ]
    first = await boss.escalations(limit=2)
    assert first.total == 5 and [e.no for e in first.items] == made[::-1][:2]
    assert first.next_after is not None
    rest = await boss.escalations(limit=10, after=first.next_after)
    assert [e.no for e in rest.items] == made[::-1][2:] and rest.next_after is None
