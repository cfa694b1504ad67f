"""Big block digits that grow with the terminal: 80×24 up to 200×60 and beyond."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from screens.text import clean
from screens.widgets.big_number import PIXELS, render_big

ROWS = 5


def scaled(value: str, width: int, height: int, most: int = 8) -> list[str]:
    """`value` in pixel glyphs as large as fits width × height (3-row glyphs when even the
    smallest pixels do not fit)."""
    chars = clean(value).upper()
    if not chars or any(c not in PIXELS for c in chars):
        return render_big(value)
    # One pixel is 2·s columns and s rows; glyphs are 3 pixels wide with a 1-pixel gap.
    columns_per_s = len(chars) * 6 + (len(chars) - 1) * 2
    s = min(most, width // columns_per_s, height // ROWS)
    if s < 1:
        return render_big(value)
    rows: list[str] = []
    for row in range(ROWS):
        line = ("  " * s).join(
            "".join(("██" if p == "#" else "  ") * s for p in PIXELS[c][row]) for c in chars
        )
        rows += [line] * s
    return rows


class ScaledNumber(Widget):
    DEFAULT_CSS = "ScaledNumber { width: 1fr; height: 1fr; content-align: center middle; }"

    value: reactive[str] = reactive("")

    def __init__(self, *, most: int = 8, id: str | None = None) -> None:
        super().__init__(id=id)
        self.most = most

    def render(self) -> Text:
        lines = scaled(self.value, self.content_size.width, self.content_size.height, self.most)
        return Text("\n".join(lines), no_wrap=True, overflow="crop", end="", style="bold")
