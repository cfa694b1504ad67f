"""Screens see the App through screens.context.Host; CounterApp must be one. mypy proves it
(counter.app.as_host); this checks at run time that each member is there on a built App."""

from __future__ import annotations

from typing import Any

from client.api import CentralClient
from counter.app import as_host, make_app
from counter.core.config import Config
from screens.context import Host


def test_the_app_has_everything_a_screen_may_use(terminal_client: CentralClient) -> None:
    app = make_app(client=terminal_client, config=Config())
    host: Any = as_host(app)
    members = set(Host.__annotations__) | {name for name in vars(Host) if not name.startswith("_")}
    assert members >= {"client", "config", "session", "hall_events", "now", "is_demo"}
    for name in members:
        assert hasattr(host, name), f"CounterApp lacks {name}"
