"""The counter's action keys on the hot front (central.hot_front, central.hot_routes): a plain
call-next or ticket step is served there, with the same answer; anything unusual goes on to the
FastAPI route, which answers exactly as before; and the front adds no route the API does not
document."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from central import hot_routes
from central.routes import ROUTERS
from tests.conftest import ClientFactory

pytestmark = pytest.mark.backends("sqlite", "postgresql")


async def raw(app: Any, token: str, path: str, **kw: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", **kw.pop("headers", {})}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central.test") as http:
        return await http.post(path, headers=headers, **kw)


async def test_the_action_keys_are_served_hot_with_the_same_answers(
    make_client: ClientFactory, central_app: Any, served_hot: list[str]
) -> None:
    kiosk, clerk = await make_client("kiosk01"), await make_client("1001")
    first = await kiosk.issue_ticket("A")
    await kiosk.issue_ticket("A")
    await clerk.sign_on(1)
    called = await clerk.call_next(1)
    assert called is not None and (called.id, called.status) == (first.id, "called")
    assert called.at_window is not None and called.at_window.window.current_ticket is not None
    started = await clerk.start(first.id)
    assert started.status == "serving"
    assert served_hot == ["/v1/windows/1/call-next", f"/v1/tickets/{first.id}/start"]
    # The same key again: the first answer, nothing done twice (central.idempotency).
    token = clerk.token or ""
    again = [
        await raw(central_app, token, "/v1/windows/1/call-next", headers={"Idempotency-Key": "k1"})
        for _ in range(2)
    ]
    assert again[0].status_code == 409  # a ticket is in service: refused, not kept
    assert again[0].json()["error"]["code"] == again[1].json()["error"]["code"]
    finished = await raw(central_app, token, f"/v1/tickets/{first.id}/finish",
                         headers={"Idempotency-Key": "k2"})  # fmt: skip
    replayed = await raw(central_app, token, f"/v1/tickets/{first.id}/finish",
                         headers={"Idempotency-Key": "k2"})  # fmt: skip
    assert finished.status_code == replayed.status_code == 200
    assert finished.json()["id"] == replayed.json()["id"] == first.id
    assert replayed.json()["status"] == "done"


async def test_anything_unusual_goes_to_the_api_route(
    make_client: ClientFactory, central_app: Any, served_hot: list[str]
) -> None:
    clerk = await make_client("1001")
    await clerk.sign_on(1)
    token = clerk.token or ""
    out_of_range = await raw(central_app, token, f"/v1/windows/{2**31}/call-next")
    long_key = await raw(
        central_app, token, "/v1/windows/1/call-next", headers={"Idempotency-Key": "k" * 201}
    )
    no_token = await raw(central_app, "", "/v1/windows/1/call-next")
    ticket_zero = await raw(central_app, token, "/v1/tickets/0/no-show")
    assert [r.status_code for r in (out_of_range, long_key, ticket_zero)] == [422, 422, 422]
    assert out_of_range.json()["error"]["code"] == "invalid"
    assert no_token.status_code == 401
    assert served_hot == ["/v1/windows/1/call-next"]  # only the request without a token
    assert no_token.json()["error"]["code"] == "unauthorized"


def test_every_hot_route_is_a_documented_api_route(central_app: Any) -> None:
    api = {
        r.path for router in ROUTERS for r in router.routes
        if isinstance(r, APIRoute) and "POST" in (r.methods or ())
    }  # fmt: skip
    assert len(hot_routes.HOT) >= 9  # call-next and the eight ticket steps
    assert all(r.path in api for r in hot_routes.HOT)
    paths = central_app.openapi()["paths"]
    assert all(r.path in paths for r in hot_routes.HOT)
    # The front adds no route of its own: the router holds the API's routes only.
    assert not any(isinstance(r, hot_routes.HotRoute) for r in central_app.router.routes)


async def test_a_completed_answer_is_the_kept_ticket_and_the_window_as_one_model_gives_them(
    make_client: ClientFactory, central_app: Any
) -> None:
    """`complete` reads the kept body as plain JSON (not validated twice): what it sends is,
    byte for byte, the TicketAnswer the kept ticket and the window make; a ticket at no window
    gets at_window null; a kept ticket's text (non-ASCII, quotes) goes out unchanged."""
    from central.counter_answer import _Kept, at_window, complete
    from client.models import TicketAnswer

    kiosk, clerk = await make_client("kiosk01"), await make_client("1001")
    await kiosk.issue_ticket("A")
    await clerk.sign_on(1)
    called = await clerk.call_next(1)
    assert called is not None
    store = central_app.state.store
    ticket = called.model_dump(exclude={"at_window"})
    for window, extra in ((1, {}), (None, {"staff_no": '窗口"1"\\x'})):
        kept = _Kept(**{**ticket, **extra}, answer_window=window).model_dump_json()
        with store.read() as conn:
            now = store.now()
            sent = complete(conn, now, kept)
            where = at_window(conn, now, window)
        whole = TicketAnswer(**{**ticket, **extra}, at_window=where)
        assert sent == whole.model_dump_json()
        assert TicketAnswer.model_validate_json(sent) == whole
        assert (whole.at_window is None) == (window is None)


async def test_a_step_that_takes_the_ticket_away_answers_with_the_window_it_was_at(
    make_client: ClientFactory, central_app: Any
) -> None:
    """No-show and transfer take the ticket from its window; their answers still show that
    window (noted by the step's own read of the ticket, not read again), now with no ticket."""
    kiosk, clerk = await make_client("kiosk01"), await make_client("1001")
    first, second = await kiosk.issue_ticket("A"), await kiosk.issue_ticket("A")
    await clerk.sign_on(1)
    for ticket, act in ((first, clerk.no_show), (second, None)):
        called = await clerk.call_next(1)
        assert called is not None and called.id == ticket.id
        done = await (act(ticket.id) if act else clerk.transfer(ticket.id, queue="B"))
        assert done.at_window is not None and done.at_window.window.no == 1
        assert done.at_window.window.current_ticket is None
        assert done.at_window.window == await clerk.window(1)
    supervisor = await make_client("2001")
    cancelled = await supervisor.cancel(second.id)  # waiting (transferred): at no window
    assert cancelled.status == "cancelled" and cancelled.at_window is None
