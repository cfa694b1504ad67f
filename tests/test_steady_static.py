"""An idle screen sends nothing again: a panel whose text is unchanged is not repainted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from typing_extensions import Self

from client.models import QueueStats
from counter.core.session import Session
from screens.widgets.queue_panel import QueuePanel
from screens.widgets.steady import SteadyStatic


class Counted(SteadyStatic):
    updates = 0

    def update(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        Counted.updates += 1
        super().update(*args, **kwargs)  # type: ignore[arg-type]


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield Counted()


async def test_same_text_or_key_is_not_sent_again() -> None:
    app = One()
    async with app.run_test() as pilot:
        panel = app.query_one(Counted)
        before = Counted.updates
        panel.show_content(Text("A012 waited 3 min"))
        panel.show_content(Text("A012 waited 3 min"))
        assert Counted.updates == before + 1
        panel.show_content(Text("A012 waited 4 min"))
        assert Counted.updates == before + 2
        panel.show_content(Text("table"), key=("A", 3))
        panel.show_content(Text("table again"), key=("A", 3))
        assert Counted.updates == before + 3
        await pilot.pause()
        assert "table" in str(panel.render())


class Repaints(QueuePanel):
    refreshes = 0

    def refresh(self, *args: Any, **kwargs: Any) -> Self:
        Repaints.refreshes += 1
        return super().refresh(*args, **kwargs)


class Queues(App[None]):
    def compose(self) -> ComposeResult:
        yield Repaints()


async def test_the_queue_panel_is_not_repainted_by_the_minute_tick() -> None:
    """The counter's once-a-minute refresh shows the same queues again: nothing is repainted
    (its border title was set again each time, and Textual repaints the whole panel then)."""
    queue = QueueStats.model_validate(
        {
            "prefix": "A",
            "name": "综合受理",
            "waiting": 0,
            "longest_wait_s": 0,
            "issued_today": 0,
            "served_today": 0,
        }
    )
    session = Session(queues=[queue])
    app = Queues()
    async with app.run_test() as pilot:
        panel = app.query_one(Repaints)
        panel.show(session)
        await pilot.pause()
        before = Repaints.refreshes
        for _minute in range(3):
            panel.show(session)
        await pilot.pause()
        assert Repaints.refreshes == before
        session.cached_at = datetime(2026, 12, 1, 0, 15, tzinfo=UTC)  # kept: the title changes
        panel.show(session)
        assert Repaints.refreshes > before
        assert "08:15" in str(panel.border_title)
