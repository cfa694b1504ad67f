"""The display board's Textual-free parts: zone filters, the last-calls list, the words."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from central.announce import cardinal, check_template, spoken, spoken_ticket
from client.display_models import Announcement
from counter.core.display_board import Board, Zone, parse_windows
from screens.display.digits import scaled


def _call(id_: int, ticket: str, window: int, recall: bool = False) -> Announcement:
    return Announcement(
        id=id_, at=datetime(2026, 11, 17, 1, 30, tzinfo=timezone.utc), ticket_id=id_,
        ticket=ticket, queue=ticket[0], window_no=window, recall=recall, text="", spoken="",
        pinyin="", audio=f"/v1/announcements/{id_}",
    )  # fmt: skip


def test_zone_filters_queues_and_windows() -> None:
    assert parse_windows("1-5,8") == [(1, 5), (8, 8)]
    zone = Zone.of("a, F", "1-5,8")
    assert zone.takes(_call(1, "A001", 3)) and zone.takes(_call(2, "F001", 8))
    assert not zone.takes(_call(3, "B001", 3)) and not zone.takes(_call(4, "A002", 6))
    assert Zone.of(None, None).takes(_call(5, "B001", 16))


def test_a_repeated_call_moves_to_the_top_and_is_marked() -> None:
    board = Board(size=3)
    for n, (ticket, window) in enumerate([("A001", 5), ("A002", 4), ("A003", 3)], start=1):
        assert board.take(_call(n, ticket, window))
    assert board.repeated is None
    board.take(_call(9, "A001", 5, recall=True))
    assert [c.ticket for c in board.calls] == ["A001", "A003", "A002"]
    assert board.repeated == "A001" and board.latest is not None and board.latest.recall
    for n in range(10, 20):
        board.take(_call(n, f"B{n:03d}", 6))
    assert len(board.calls) == 4 and len(board.recent) == 3


def test_zone_board_ignores_calls_elsewhere() -> None:
    board = Board(zone=Zone.of("A", "5"))
    assert not board.take(_call(1, "A001", 4))
    assert board.latest is None


def test_words_of_the_announcement() -> None:
    assert spoken_ticket("A012") == "A 零 一 二"
    assert [cardinal(n) for n in (5, 10, 12, 20, 105, 110)] == [
        "五", "十", "十二", "二十", "一百零五", "一百一十",
    ]  # fmt: skip
    assert (
        spoken("请{ticket}号到{window}号窗口办理", "A012", 12)
        == "请 A 零 一 二 号到 十二 号窗口办理"
    )
    with pytest.raises(ValueError, match="must contain"):
        check_template("请到{window}号窗口")


@pytest.mark.parametrize(("width", "height", "rows"), [(50, 12, 5), (140, 30, 20), (20, 4, 3)])
def test_big_digits_grow_with_the_room(width: int, height: int, rows: int) -> None:
    lines = scaled("A012", width, height)
    assert len(lines) == rows
    assert max(len(line) for line in lines) <= max(width, 15)
