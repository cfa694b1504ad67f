"""The API's OpenAPI document, with whole numbers kept whole.

FastAPI passes the document through a model whose bounds are floats, so `lt=2**63` came
out as 9.223372036854776e+18: 2⁶³, a value the server refuses. Ids are therefore bounded with
`lt=2**63` (exactly representable as a float) and every integral bound is written back as an
integer, so a client or a fuzzer reads the exact limits the server applies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

_BOUNDS = ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf")


def _whole(node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _BOUNDS and isinstance(value, float) and value.is_integer():
                node[key] = int(value)
            else:
                _whole(value)
    elif isinstance(node, list):
        for item in node:
            _whole(item)


def install(app: FastAPI) -> None:
    """Make `app.openapi()` (and /openapi.json) answer the document with whole-number bounds."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()  # cached by FastAPI after the first call; fixing it is idempotent
        _whole(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
