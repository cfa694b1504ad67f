"""Text from the API is data: shown literally, never as markup, never with control codes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.app import make_app
from counter.config import Config
from screens.counter import CounterScreen
from screens.text import clean, plain
from tests.test_pilot_counter import sign_in, until

HOSTILE_NAME = "[b]x[/b]\x1b[31m红\x1b]0;pwned\x07\x9b2J\x00\t\u202e"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("[b]x[/b]", "[b]x[/b]"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("a\x1b]0;title\x07b", "ab"),
        ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
        ("bell\x07 nul\x00 del\x7f c1\x85 csi\x9b31m", "bell nul del c1 csi"),
        ("line\nbreak\ttab", "linebreaktab"),
        ("rtl\u202eevil", "rtlevil"),
        ("综合窗口 [red]5[/red]", "综合窗口 [red]5[/red]"),
        (None, ""),
    ],
)
def test_clean_strips_controls_and_keeps_brackets(raw: Any, shown: str) -> None:
    assert clean(raw) == shown
    assert plain(raw).plain == shown


def test_plain_never_interprets_markup() -> None:
    text = plain("[bold red]citizen[/]")
    assert text.plain == "[bold red]citizen[/]"
    assert text.spans == []


async def test_hostile_staff_and_window_names_show_literally(
    central_app: Any, make_client: Any, clock: Any, db_path: Path
) -> None:
    await (await make_client("kiosk01")).issue_ticket("A")
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE staff SET name = ? WHERE staff_no = '1005'", (HOSTILE_NAME,))
        db.execute("UPDATE windows SET name = ? WHERE no = 5", ("[i]W5[/i]\x1b[2J",))
    client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    config = Config(central_url="http://central.test", lang="en", window=5)
    app = make_app(client=client, config=config, clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, app)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        await until(pilot, lambda: app.session.connection == "live", "the live stream")
        status = str(screen.query_one("StatusLine").content)  # type: ignore[attr-defined]
        assert "[b]x[/b]红" in status
        assert "[i]W5[/i]" in status
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in status)
        svg = app.export_screenshot()
        assert "[b]x[/b]" in svg.replace("&#160;", " ")
        assert "pwned" not in status  # the OSC payload went with its escape
        assert "\x1b" not in svg and "\x9b" not in svg
    await client.aclose()
