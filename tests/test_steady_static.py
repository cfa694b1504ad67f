"""An idle screen sends nothing again: a panel whose text is unchanged is not repainted."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

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
