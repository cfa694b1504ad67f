"""Read-only views of the central's answers, for the terminal's first screen, without pydantic.

Importing pydantic and building the wire models costs about a quarter of the terminal's start,
so the answers the counter screen first shows (who, the hall, the queue figures, and the same
read back from the hall cache) are read as plain JSON and looked at through `WireView`: the
attribute names of the wire models (client.models, still the one definition), with the
model's datetimes as datetimes. Once the counter screen is up, the App validates them into the
real models (`as_model`), and every later answer is parsed by pydantic as before.

A view checks nothing but that the answer is a JSON object; a field the models name but the
answer lacks reads as AttributeError. tests/test_wire_view.py holds each view against its
model, field by field, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from pydantic import BaseModel

    M = TypeVar("M", bound=BaseModel)


def _is_time(name: str) -> bool:
    """The wire models' datetime fields: `…_at` and `as_of` (tests/test_wire_view.py)."""
    return name.endswith("_at") or name == "as_of"


def _read(name: str, value: Any) -> Any:
    if isinstance(value, dict):
        return WireView(value)
    if isinstance(value, list):
        return [_read(name, item) for item in value]
    if isinstance(value, str) and _is_time(name):
        return datetime.fromisoformat(value)
    return value


class WireView:
    """One JSON object of an answer, read by attribute as its wire model would be."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getattr__(self, name: str) -> Any:
        try:
            value = self.data[name]
        except KeyError:
            raise AttributeError(name) from None
        return _read(name, value)

    def __repr__(self) -> str:
        return f"WireView({self.data!r})"


class NotAnObject(ValueError):
    """The answer is not a JSON object (a contract fault, said like pydantic's)."""


def view_json(content: bytes | str) -> WireView:
    data = json.loads(content)
    if not isinstance(data, dict):
        raise NotAnObject("the answer is not a JSON object")
    return WireView(data)


def as_model(model: type[M], value: Any) -> M:
    """`value` as the real wire model: a view is validated (pydantic), a model kept."""
    if isinstance(value, WireView):
        return model.model_validate(value.data)
    return value  # type: ignore[no-any-return]


def data_of(value: Any) -> Any:
    """The JSON form of a view or a wire model (for the hall cache)."""
    if isinstance(value, WireView):
        return value.data
    return value.model_dump(mode="json")
