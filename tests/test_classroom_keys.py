"""The classroom's POSTs honour their Idempotency-Key: an answer lost on the way back and the
request sent again (the client's retry, the same key) neither counts a batch of keys twice, nor
restarts a scenario twice, nor gives a scenario twice; a new press (a new key) acts again.

The classroom is the one `counter serve --demo` hosts, in-process: the central app with the
classroom's routes and lifespan, reached over the streaming ASGI transport; the network fault is
a transport that delivers the request to the real app and then loses its answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from client import errors, training_api
from client.api import CentralClient
from client.asgi import StreamingASGITransport
from client.training_models import ScenarioChoice
from counter.core.classroom import ClassroomTraining
from tests.training_pilot import classroom_on

pytest.importorskip("central.app")

URL = "http://classroom"


class LosesAnswers(httpx.AsyncBaseTransport):
    """The real app gets every request; the answers to the next `lose` POSTs to a path that
    ends with `ending` never come back (a timeout, as on a dropped link)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.ending = ""
        self.lose = 0
        self.keys_seen: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "POST" and request.url.path.endswith(self.ending) and self.ending:
            self.keys_seen.append(request.headers.get("Idempotency-Key", ""))
            if self.lose > 0:
                self.lose -= 1
                await response.aclose()
                raise httpx.ReadTimeout("the answer was lost", request=request)
        return response


@asynccontextmanager
async def served(tmp_path: Path) -> AsyncIterator[tuple[Any, LosesAnswers]]:
    """The classroom with its lifespan (entered and left in the test's own task)."""
    from central.app import create_app
    from central.settings import Settings

    app = create_app(Settings(db_path=str(tmp_path / "class.db"), seed="demo", kdf_fast=True))
    room = classroom_on(app)
    async with app.router.lifespan_context(app):
        yield room, LosesAnswers(StreamingASGITransport(app))


async def _signed_in(transport: httpx.AsyncBaseTransport, staff_no: str) -> CentralClient:
    client = CentralClient(URL, transport=transport)
    await client.login(staff_no, "counter")
    return client


async def _keys_sent_again(room: Any, transport: LosesAnswers) -> None:
    training = room.trainees["1001"].training
    client = await _signed_in(transport, "1001")
    place = await training_api.my_place(client)
    terminal = ClassroomTraining(client, place)
    at = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)
    for second in range(3):
        terminal.key_pressed(at.replace(second=second))
    transport.ending, transport.lose = "/keys", 1
    before = len(training.key_times)
    await terminal.send_keys()  # the first answer is lost; the client sends it again
    assert len(training.key_times) == before + 3
    assert len(transport.keys_seen) == 2 and len(set(transport.keys_seen)) == 1

    # Every retry lost: the terminal keeps the batch with its key and sends it once more later.
    terminal.key_pressed(at.replace(second=9))
    transport.keys_seen.clear()
    transport.lose = 99
    await terminal.send_keys()
    assert len(training.key_times) == before + 4  # it did arrive, once
    transport.lose = 0
    terminal.key_pressed(at.replace(second=10))
    await terminal.send_keys()
    assert len(training.key_times) == before + 5  # the lost batch not again; the new one
    first_key = transport.keys_seen[0]
    assert transport.keys_seen.count(first_key) == len(transport.keys_seen) - 1
    await terminal.aclose()
    await client.aclose()


async def _restart_sent_again(room: Any, transport: LosesAnswers) -> None:
    training = room.trainees["1001"].training
    client = await _signed_in(transport, "1001")
    before = [ticket.id for ticket in training.tickets]
    assert before
    transport.ending, transport.lose = "/restart", 1
    await training_api.restart(client, "1001")
    once = [ticket.id for ticket in training.tickets]
    assert once != before
    assert len(transport.keys_seen) == 2 and len(set(transport.keys_seen)) == 1

    # Every retry lost, pressed again: the same key goes, and the scenario is not restarted.
    transport.lose = 99
    with pytest.raises(Exception):  # noqa: B017 - the client's Timeout, after its retries
        await training_api.restart(client, "1001")
    twice = [ticket.id for ticket in training.tickets]
    assert twice != once
    transport.lose = 0
    await training_api.restart(client, "1001")
    assert [ticket.id for ticket in training.tickets] == twice
    assert len(set(transport.keys_seen)) == 2

    # A new press once answered: a new key, a new restart.
    await training_api.restart(client, "1001")
    assert [ticket.id for ticket in training.tickets] != twice
    await client.aclose()


async def _scenario_given_again(room: Any, transport: LosesAnswers) -> None:
    trainer = await _signed_in(transport, "2001")
    transport.ending, transport.lose = "/scenario", 1
    place = await training_api.assign(trainer, "1002", "third-visit")
    assert place.scenario == "third-visit"
    training = room.trainees["1002"].training
    assert training is not None
    tickets = [ticket.id for ticket in training.tickets]
    assert len(tickets) == len(training.scenario.citizens)
    assert len(transport.keys_seen) == 2 and len(set(transport.keys_seen)) == 1
    queues = await trainer.queues()
    assert sum(q.issued_today for q in queues.queues) == len(tickets) + len(
        room.trainees["1001"].training.tickets
    )
    # The same key with another scenario is refused, not replayed.
    with pytest.raises(errors.Conflict):
        await trainer._post(
            "/v1/training/trainees/1002/scenario",
            type(place),
            ScenarioChoice(scenario="green-channel"),
            idempotency_key=transport.keys_seen[0],
        )
    await trainer.aclose()


@pytest.mark.parametrize(
    "case",
    [_keys_sent_again, _restart_sent_again, _scenario_given_again],
    ids=["keys count once", "a restart restarts once", "a scenario is given once"],
)
async def test_a_post_sent_again_acts_once(tmp_path: Path, case: Any) -> None:
    async with served(tmp_path) as (room, transport):
        await case(room, transport)
