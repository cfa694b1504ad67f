"""The start's views of the central's answers (client.wire_view) read as the wire models do.

The views know no fields of their own: they read the answer's JSON by the models' names. So
each model the first screen reads is checked here, field by field and all the way down,
against the view of the same answer, on real answers of the central (a window with a ticket
called and one held, the hall, the queue figures, who is signed in).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from client import models as wire
from client.wire_view import WireView, as_model, data_of, view_json
from tests.pilot import issue


def same(model: BaseModel, view: Any, where: str) -> None:
    """Every field of `model` reads the same through `view`, nested models included."""
    for name in type(model).model_fields:
        expected, got = getattr(model, name), getattr(view, name)
        if isinstance(expected, datetime):
            assert isinstance(got, datetime) and got == expected, f"{where}.{name}"
        elif isinstance(expected, BaseModel):
            assert isinstance(got, WireView), f"{where}.{name}"
            same(expected, got, f"{where}.{name}")
        elif isinstance(expected, list):
            assert isinstance(got, list) and len(got) == len(expected), f"{where}.{name}"
            for index, (one, other) in enumerate(zip(expected, got, strict=True)):
                if isinstance(one, BaseModel):
                    same(one, other, f"{where}.{name}[{index}]")
                else:
                    assert one == other, f"{where}.{name}[{index}]"
        else:
            assert got == expected, f"{where}.{name}"


async def test_the_views_read_every_field_the_models_read(make_client: Any) -> None:
    await issue(make_client, "A", "A", "A")
    clerk = await make_client("1005")
    await clerk.sign_on(5)
    held = await clerk.call_next(5)
    assert held is not None
    await clerk.start(held.id)
    await clerk.hold(held.id)
    assert await clerk.call_next(5) is not None  # one called, one held, one waiting

    answers = {
        "me": (wire.Staff, await clerk.me(), await clerk.me_view()),
        "hall": (wire.Hall, await clerk.hall(), await clerk.hall_view()),
        "queues": (wire.QueuesResponse, await clerk.queues(), await clerk.queues_view()),
    }
    window = next(w for w in answers["hall"][1].windows if w.no == 5)
    assert window.current_ticket is not None and window.held  # the fields worth checking
    for name, (model, parsed, view) in answers.items():
        assert isinstance(view, WireView), name
        same(parsed, view, name)
        # Validated into the model (after the first paint) it is the parsed answer again,
        # and written to the hall cache and read back it is the same view.
        assert as_model(model, view) == parsed
        assert as_model(model, parsed) is parsed
        same(parsed, WireView(data_of(parsed)), name + " (kept)")


def test_a_view_is_of_a_json_object_only() -> None:
    for text in ("[]", "1", '"x"'):
        try:
            view_json(text)
        except ValueError:
            continue
        raise AssertionError(f"{text} read as an answer")
    view = view_json('{"as_of": "2026-11-30T08:00:00+08:00", "queues": []}')
    assert view.queues == [] and isinstance(view.as_of, datetime)
    try:
        view.missing  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("a missing field read as something")
