"""A form that creates something keeps its Idempotency-Key for its content until the server has
answered (issue 9 item 3): pressing again after a lost answer is answered with what was done,
never registered twice — the escalation form, pause with a reason, a 差评's explanation and
its steps (verify, rectify). The intake does the same with its draft (test_intake_pilot.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Input, Select, Static, TextArea

from client import central_http, errors
from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.rating_models import RatingRequest
from screens.escalation.form import EscalationForm
from screens.escalation.hooks import raise_from_counter
from tests.hall_data import serve_tickets
from tests.pilot import SIZE, build, sign_in, until


class LosingTransport(StreamingASGITransport):
    """The server handles each POST to a path ending in `suffix`; its answer is lost on the
    way back while `losing`."""

    suffix = "/none"
    losing = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if self.losing and request.method == "POST" and request.url.path.endswith(self.suffix):
            await response.aread()
            raise httpx.ReadError("connection reset", request=request)
        return response


@pytest.fixture(autouse=True)
def no_retry_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(central_http, "RETRY_DELAY_S", 0.0)


def count(db_path: Path, sql: str) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute(sql).fetchone()[0])


async def test_the_escalation_form_after_a_lost_answer_registers_once(
    central_app: Any, make_client: Any, clock: Any, db_path: Path
) -> None:
    transport = LosingTransport(central_app)
    transport.suffix = "/v1/escalations"
    client = CentralClient("http://central.test", transport=transport)
    app = build(client, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        raise_from_counter(app)
        await until(pilot, lambda: isinstance(app.screen, EscalationForm), "the form")
        form = app.screen
        await until(pilot, lambda: bool(form.query("#f-name")), "the fields")
        form.query_one("#f-name", Input).value = "王秀英"
        form.query_one("#f-phone", Input).value = "13800138000"
        form.query_one("#f-category", Select).value = "urgent"
        form.query_one("#f-description", TextArea).text = "跑了三次仍未办结"
        transport.losing = True
        await pilot.press("f10")
        result = form.query_one("#esc-result", Static)
        await until(pilot, lambda: not form.busy, "the failure")  # type: ignore[attr-defined]
        assert form.done is None  # type: ignore[attr-defined]
        assert count(db_path, "SELECT count(*) FROM escalations") == 1  # done, answer lost
        transport.losing = False
        await pilot.press("f10")  # again: answered with the one registered
        await until(pilot, lambda: form.done is not None, "the registration")  # type: ignore[attr-defined]
        assert "BBC-20261117-0001" in str(result.render())
    await client.aclose()
    assert count(db_path, "SELECT count(*) FROM escalations") == 1


async def test_pause_with_a_reason_after_a_lost_answer_is_answered_not_refused(
    central_app: Any, make_client: Any
) -> None:
    transport = LosingTransport(central_app)
    transport.suffix = "/pause"
    clerk = CentralClient("http://central.test", transport=transport)
    await clerk.login("1005", "counter")
    await clerk.sign_on(5)
    transport.losing = True
    with pytest.raises(errors.Unreachable):
        await clerk.pause(5, "other", "系统故障")
    transport.losing = False
    window = await clerk.pause(5, "other", "系统故障")  # the same press again
    assert window.status == "paused" and window.pause_reason == "other"
    await clerk.resume(5)
    again = await clerk.pause(5, "other", "系统故障")  # a later pause is a new one
    assert again.status == "paused"
    await clerk.aclose()


async def test_a_bad_ratings_explanation_and_steps_after_lost_answers(
    central_app: Any, make_client: Any, db_path: Path
) -> None:
    pad = await make_client("pad05")  # the pad at window 5
    (done,) = await serve_tickets(make_client, "1005", 5)
    bad = await pad.post_rating(RatingRequest(ticket_id=done, level=1, comment="材料说法不一"))
    transport = LosingTransport(central_app)
    clerk = CentralClient("http://central.test", transport=transport)
    boss = CentralClient("http://central.test", transport=transport)
    await clerk.login("1005", "counter")
    await boss.login("2001", "counter")
    for suffix, step in (
        ("/explain", lambda: clerk.explain_rating(bad.id, "清单已更新")),
        ("/verify", lambda: boss.verify_rating(bad.id, "upheld", "核实属实", 15)),
        ("/rectify", lambda: boss.rectify_rating(bad.id, "已整改")),
    ):
        transport.suffix, transport.losing = suffix, True
        with pytest.raises(errors.Unreachable):
            await step()
        transport.losing = False
        answered = await step()  # again: the step done once, not "done already"
        assert answered.review is not None, suffix
    await clerk.aclose()
    await boss.aclose()
    assert answered.review is not None and answered.review.state == "rectified"
