"""The terminal display board (`counter display`) on the in-process central: device sign-in
(a person's account refused), calls and recalls shown, the voice in call order with a chime
first and no overlap (a stand-in speech command records what it was given), and snapshots at
80×24 and 160×45 in zh and en."""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from client.api import CentralClient
from client.asgi import StreamingASGITransport
from counter.core.config import Config
from counter.core.voice import VoiceQueue
from counter.display_app import DisplayApp
from screens.display.board import DisplayBoard
from screens.display.sign_in import DeviceSignIn
from tests.conftest import ClientFactory
from tests.pilot import until


def _central(path: Path) -> Any:
    """The demo-seeded central a board over HTTP talks to (served by tests.browser.LiveServer)."""
    from central.app import create_app
    from central.settings import Settings

    return create_app(Settings(db_path=str(path), seed="demo", kdf_fast=True))


async def _hall(url: str, tickets: int, *others: str) -> dict[str, CentralClient]:
    """The kiosk and clerk 1005 (and `others`) signed in; `tickets` in queue A; 1005 at window 5."""
    staff = {}
    for who in ("kiosk01", "1005", *others):
        staff[who] = CentralClient(url)
        await staff[who].login(who, "counter")
    for _ in range(tickets):
        await staff["kiosk01"].issue_ticket("A")
    await staff["1005"].sign_on(5)
    return staff


def _board_over_http(url: str) -> tuple[CentralClient, DisplayApp]:
    client = CentralClient(url)
    config = Config(
        central_url=url, lang="en", display_account="display01", display_password="counter"
    )
    return client, DisplayApp(client=client, config=config, voice=None)


async def _until_live(pilot: Any, app: DisplayApp) -> None:
    await until(pilot, lambda: app.view is not None and app.view.connection == "live", "live")


RECORDER = """
import json, sys, time
start = time.monotonic()
text = sys.stdin.read()
time.sleep(0.15)
with open(sys.argv[1], "a", encoding="utf-8") as log:
    log.write(json.dumps([sys.argv[2], text, start, time.monotonic()]) + "\\n")
"""


def _app(central_app: Any, clock: Any, lang: str = "en", **config: Any) -> DisplayApp:
    client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
    voice = config.pop("voice", None)
    options: dict[str, Any] = {"central_url": "http://central.test", "lang": lang}
    options.update(config)
    return DisplayApp(client=client, config=Config(**options), clock=clock, voice=voice)


def _shown(app: DisplayApp) -> str | None:
    latest = app.board.latest
    return latest.ticket if latest else None


async def test_voice_in_call_order_with_chime_and_recall(
    central_app: Any, clock: Any, make_client: ClientFactory, tmp_path: Path
) -> None:
    script, log = tmp_path / "say.py", tmp_path / "said.jsonl"
    script.write_text(RECORDER, encoding="utf-8")
    voice = VoiceQueue(
        command=f"{sys.executable} {script} {log} speak",
        chime_command=f"{sys.executable} {script} {log} chime",
    )
    app = _app(
        central_app, clock, display_account="display01", display_password="counter", voice=voice
    )
    kiosk = await make_client("kiosk01")
    tickets = [(await kiosk.issue_ticket("A")).number for _ in range(2)]
    clerk5, clerk4 = await make_client("1005"), await make_client("1004")
    await clerk5.sign_on(5)
    await clerk4.sign_on(4)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DisplayBoard), "the board")
        await until(pilot, lambda: app.view is not None and app.view.connection == "live", "live")
        first = await clerk5.call_next(5)
        second = await clerk4.call_next(4)
        assert first and second
        await clerk5.recall(first.id)
        await until(pilot, lambda: len(voice.spoken) == 3, "three announcements spoken")
        assert _shown(app) == first.number  # the recall is on top again
        assert [c.ticket for c in app.board.recent] == [second.number]
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [kind for kind, *_ in lines] == ["chime", "speak"] * 3
    for before, after in itertools.pairwise(lines):
        assert after[2] >= before[3], "an announcement started before the last one ended"
    said = [text for kind, text, *_ in lines if kind == "speak"]
    assert tickets == [first.number, second.number]
    assert said[0] == "qing3 A ling2 ling2 yi1 hao4 dao4 wu3 hao4 chuang1 kou3 ban4 li3"
    assert said[1] == "qing3 A ling2 ling2 er4 hao4 dao4 si4 hao4 chuang1 kou3 ban4 li3"
    assert said[2] == said[0]  # the recall is announced again


async def test_without_espeak_the_board_says_voice_off_and_chimes(
    central_app: Any, clock: Any, make_client: ClientFactory
) -> None:
    bells: list[int] = []
    voice = VoiceQueue(command="no-such-speech-engine", bell=lambda: bells.append(1))
    app = _app(
        central_app, clock, display_account="display01", display_password="counter", voice=voice
    )
    kiosk = await make_client("kiosk01")
    await kiosk.issue_ticket("A")
    clerk = await make_client("1005")
    await clerk.sign_on(5)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.view is not None and app.view.connection == "live", "live")
        assert app.view is not None
        assert app.view.voice_note == "voice off: no-such-speech-engine not found"
        await clerk.call_next(5)
        await until(pilot, lambda: len(voice.spoken) == 1, "the call handled by the voice")
        assert bells == [1]


async def test_a_person_cannot_sign_in_the_board(central_app: Any, clock: Any) -> None:
    app = _app(central_app, clock, display_account="1005")
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DeviceSignIn), "the sign-in")
        await pilot.press(*"counter", "enter")
        await until(
            pilot,
            lambda: "person" in str(app.screen.query_one("#device-error").render()),
            "the refusal",
        )
        await pilot.press("shift+tab")
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press(*"display01", "enter", *"counter", "enter")
        await until(pilot, lambda: isinstance(app.screen, DisplayBoard), "the board")


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_board_snapshot(
    snap_compare: Any, central_app: Any, clock: Any, lang: str, size: tuple[int, int]
) -> None:
    app = _app(central_app, clock, lang, display_account="display01", display_password="counter")

    async def calls(pilot: Any) -> None:
        transport = StreamingASGITransport(central_app)
        people = {}
        for who in ("kiosk01", "1005", "1004"):
            people[who] = CentralClient("http://central.test", transport=transport)
            await people[who].login(who, "counter")
        for queue in "AAAAB":
            await people["kiosk01"].issue_ticket(queue)
        await people["1005"].sign_on(5)
        await people["1004"].sign_on(4)
        await until(pilot, lambda: app.view is not None and app.view.connection == "live", "live")
        first = await people["1005"].call_next(5)
        await people["1004"].call_next(4)
        assert first is not None
        await people["1005"].recall(first.id)
        await until(
            pilot, lambda: _shown(app) == first.number and len(app.board.calls) == 2, "calls"
        )
        await until(pilot, lambda: sum(q.waiting for q in app.board.waiting) == 3, "waiting")
        for client in people.values():
            await client.aclose()
        # The recall flashed the big panel's frame: the picture is taken once it is over.
        await until(pilot, lambda: app.view is not None and not app.view.flashing, "no flash")
        await pilot.pause(0.5)

    assert snap_compare(app, terminal_size=size, run_before=calls)


async def test_board_over_http_says_connection_lost_and_recovers(tmp_path: Path) -> None:
    from tests.browser import LiveServer

    server = LiveServer(_central(tmp_path / "c.db"))
    server.start()
    try:
        staff = await _hall(server.url, 3)
        client, app = _board_over_http(server.url)
        async with app.run_test(size=(80, 24)) as pilot:
            await _until_live(pilot, app)
            first = await staff["1005"].call_next(5)
            assert first is not None
            await until(pilot, lambda: _shown(app) == first.number, "the first call")
            server.stop()
            await until(pilot, lambda: app.view.connection == "lost", "connection lost")  # type: ignore[union-attr]
            assert "CONNECTION LOST" in str(app.screen.query_one("#display-lost").render())
            server.start()
            await until(pilot, lambda: app.view.connection == "live", "recovered")  # type: ignore[union-attr]
            await staff["1005"].no_show(first.id)
            second = await staff["1005"].call_next(5)
            assert second is not None
            await until(pilot, lambda: _shown(app) == second.number, "a call after recovering")
        for c in (*staff.values(), client):
            await c.aclose()
    finally:
        server.stop()


async def test_signed_out_while_the_link_was_down_the_board_signs_in_again_by_itself(
    tmp_path: Path,
) -> None:
    """The central refuses the board's session when the link comes back (here a supervisor
    had signed it out): the board signs in again with its configured password and
    leaves "connection lost" by itself, instead of retrying the refused session forever."""
    from tests.browser import LiveServer

    server = LiveServer(_central(tmp_path / "c.db"))
    server.start()
    try:
        staff = await _hall(server.url, 1, "2001")
        client, app = _board_over_http(server.url)
        async with app.run_test(size=(80, 24)) as pilot:
            await _until_live(pilot, app)
            view = app.view
            assert view is not None
            first_token = client.token
            # Signed out while its stream stays open (nothing asks the board); then the link
            # drops and comes back: the reconnect is refused until the board signs in again.
            signed_out = await staff["2001"].http.post(
                "/v1/devices/display01/sign-out",
                headers={**staff["2001"].auth_headers(), "Idempotency-Key": "away"},
            )
            assert signed_out.status_code == 204
            server.stop()
            await until(pilot, lambda: view.connection == "lost", "connection lost")
            server.start()
            await until(pilot, lambda: view.connection == "live", "back by itself")
            assert client.token != first_token
            called = await staff["1005"].call_next(5)
            assert called is not None
            await until(pilot, lambda: _shown(app) == called.number, "the next call shown")
        for c in (*staff.values(), client):
            await c.aclose()
    finally:
        server.stop()


async def test_a_central_back_on_a_new_database_starts_the_board_over(tmp_path: Path) -> None:
    """The central comes back on a new (or restored) database while the board was cut off:
    the board signs in again and follows the new feed, whose numbers start lower."""
    from tests.browser import LiveServer

    server = LiveServer(_central(tmp_path / "old.db"))
    server.start()
    try:
        old = await _hall(server.url, 6)
        for _ in range(5):  # the old feed runs well ahead of the new one
            called = await old["1005"].call_next(5)
            assert called is not None
            await old["1005"].no_show(called.id)
        client, app = _board_over_http(server.url)
        async with app.run_test(size=(80, 24)) as pilot:
            await _until_live(pilot, app)
            view = app.view
            assert view is not None and _shown(app) == "A005"
            server.stop()
            await until(pilot, lambda: view.connection == "lost", "connection lost")
            server.app = _central(tmp_path / "new.db")
            server.start()
            await until(pilot, lambda: view.connection == "live", "back by itself")
            await until(pilot, lambda: app.board.latest is None, "the old calls gone")
            new = await _hall(server.url, 1)
            called = await new["1005"].call_next(5)
            assert called is not None and called.number == "A001"
            await until(pilot, lambda: _shown(app) == "A001", "the new database's call shown")
        for c in (*old.values(), *new.values(), client):
            await c.aclose()
    finally:
        server.stop()


async def test_asked_once_kept_across_restarts_and_asked_again_when_revoked(
    central_app: Any, clock: Any, make_client: ClientFactory
) -> None:
    from counter.core.credentials import TokenStore

    store = TokenStore(use_keyring=False)

    def board() -> DisplayApp:
        client = CentralClient("http://central.test", transport=StreamingASGITransport(central_app))
        config = Config(central_url="http://central.test", lang="en", display_account="display01")
        return DisplayApp(client=client, config=config, token_store=store)

    first = board()
    async with first.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(first.screen, DeviceSignIn), "the sign-in")
        await pilot.pause(0.1)
        await pilot.press(*"counter", "enter")
        await until(pilot, lambda: isinstance(first.screen, DisplayBoard), "the board")
    again = board()
    asked: list[bool] = []
    async with again.run_test(size=(80, 24)) as pilot:
        await until(
            pilot, lambda: again.view is not None and again.view.connection == "live", "live"
        )
        asked.append(isinstance(again.screen, DeviceSignIn))
        # A supervisor signs the display out: at the next call the board asks again.
        supervisor = await make_client("2001")
        response = await supervisor.http.post(
            "/v1/devices/display01/sign-out",
            headers={**supervisor.auth_headers(), "Idempotency-Key": "out"},
        )
        assert response.status_code == 204
        kiosk, clerk = await make_client("kiosk01"), await make_client("1005")
        await kiosk.issue_ticket("A")
        await clerk.sign_on(5)
        await clerk.call_next(5)
        await until(pilot, lambda: isinstance(again.screen, DeviceSignIn), "asked again")
        await pilot.pause(0.1)
        await pilot.press(*"counter", "enter")
        await until(pilot, lambda: isinstance(again.screen, DisplayBoard), "back on the board")
        await until(pilot, lambda: again.board.latest is not None, "the call shown")
    assert asked == [False]
