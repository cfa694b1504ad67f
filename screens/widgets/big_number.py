"""A ticket number in big block characters (3 rows), letters and digits alike.

Textual's Digits widget only knows A–F among the letters; queue prefixes may be any letter.
Heavy box-drawing characters stay readable with 16 colours and with NO_COLOR.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from screens.text import clean

GLYPHS: dict[str, tuple[str, str, str]] = {
    "0": ("┏━┓", "┃ ┃", "┗━┛"),
    "1": ("╺┓ ", " ┃ ", "╺┻╸"),
    "2": ("╺━┓", "┏━┛", "┗━╸"),
    "3": ("╺━┓", " ━┫", "╺━┛"),
    "4": ("╻ ╻", "┗━┫", "  ╹"),
    "5": ("┏━╸", "┗━┓", "╺━┛"),
    "6": ("┏━╸", "┣━┓", "┗━┛"),
    "7": ("╺━┓", "  ┃", "  ╹"),
    "8": ("┏━┓", "┣━┫", "┗━┛"),
    "9": ("┏━┓", "┗━┫", "╺━┛"),
    "A": ("┏━┓", "┣━┫", "╹ ╹"),
    "B": ("┳━┓", "┣━┫", "┻━┛"),
    "C": ("┏━╸", "┃  ", "┗━╸"),
    "D": ("┳━┓", "┃ ┃", "┻━┛"),
    "E": ("┏━╸", "┣━ ", "┗━╸"),
    "F": ("┏━╸", "┣━ ", "╹  "),
    "G": ("┏━╸", "┃╺┓", "┗━┛"),
    "H": ("╻ ╻", "┣━┫", "╹ ╹"),
    "I": ("╺┳╸", " ┃ ", "╺┻╸"),
    "J": ("  ╻", "  ┃", "┗━┛"),
    "K": ("╻ ╻", "┣┳┛", "╹┗╸"),
    "L": ("╻  ", "┃  ", "┗━╸"),
    "M": ("┏┳┓", "┃╹┃", "╹ ╹"),
    "N": ("┏┓╻", "┃┃┃", "╹┗┛"),
    "O": ("╭─╮", "│ │", "╰─╯"),
    "P": ("┏━┓", "┣━┛", "╹  "),
    "Q": ("┏━┓", "┃ ┃", "┗━╋"),
    "R": ("┏━┓", "┣┳┛", "╹┗╸"),
    "S": ("╭─╴", "╰─╮", "╶─╯"),
    "T": ("╺┳╸", " ┃ ", " ╹ "),
    "U": ("╻ ╻", "┃ ┃", "┗━┛"),
    "V": ("╻ ╻", "╲ ╱", " ╹ "),
    "W": ("╻ ╻", "┃┃┃", "┗┻┛"),
    "X": ("╻ ╻", " ╳ ", "╹ ╹"),
    "Y": ("╻ ╻", "┗┳┛", " ╹ "),
    "Z": ("╺━┓", " ╱ ", "┗━╸"),
    "-": ("   ", "╺━╸", "   "),
    " ": ("   ", "   ", "   "),
}


# 3×5 pixel glyphs for the large size; each pixel is drawn as two full blocks ("██").
PIXELS: dict[str, tuple[str, str, str, str, str]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    "A": (".#.", "#.#", "###", "#.#", "#.#"),
    "B": ("##.", "#.#", "##.", "#.#", "##."),
    "C": ("###", "#..", "#..", "#..", "###"),
    "D": ("##.", "#.#", "#.#", "#.#", "##."),
    "E": ("###", "#..", "##.", "#..", "###"),
    "F": ("###", "#..", "##.", "#..", "#.."),
    "G": ("###", "#..", "#.#", "#.#", "###"),
    "H": ("#.#", "#.#", "###", "#.#", "#.#"),
    "I": ("###", ".#.", ".#.", ".#.", "###"),
    "J": ("..#", "..#", "..#", "#.#", "###"),
    "K": ("#.#", "#.#", "##.", "#.#", "#.#"),
    "L": ("#..", "#..", "#..", "#..", "###"),
    "M": ("#.#", "###", "###", "#.#", "#.#"),
    "N": ("##.", "#.#", "#.#", "#.#", "#.#"),
    "O": (".#.", "#.#", "#.#", "#.#", ".#."),
    "P": ("###", "#.#", "###", "#..", "#.."),
    "Q": ("###", "#.#", "#.#", "###", "..#"),
    "R": ("##.", "#.#", "##.", "#.#", "#.#"),
    "S": (".##", "#..", ".#.", "..#", "##."),
    "T": ("###", ".#.", ".#.", ".#.", ".#."),
    "U": ("#.#", "#.#", "#.#", "#.#", "###"),
    "V": ("#.#", "#.#", "#.#", "#.#", ".#."),
    "W": ("#.#", "#.#", "###", "###", "#.#"),
    "X": ("#.#", "#.#", ".#.", "#.#", "#.#"),
    "Y": ("#.#", "#.#", ".#.", ".#.", ".#."),
    "Z": ("###", "..#", ".#.", "#..", "###"),
    "-": ("...", "...", "###", "...", "..."),
    " ": ("...", "...", "...", "...", "..."),
}
LARGE_ROWS = 5
SMALL_ROWS = 3


def render_big(value: str) -> list[str]:
    """Three lines spelling `value` in box-drawing glyphs; unknown characters show as themselves."""
    rows = ["", "", ""]
    for index, char in enumerate(clean(value).upper()):
        glyph = GLYPHS.get(char, (" " * 3, f"{char:^3}" if char.isascii() else char, " " * 3))
        for row in range(3):
            rows[row] += (" " if index else "") + glyph[row]
    return rows


def render_large(value: str) -> list[str] | None:
    """Five lines of block pixels, or None when a character has no pixel glyph."""
    chars = clean(value).upper()
    if any(char not in PIXELS for char in chars):
        return None
    rows = [""] * LARGE_ROWS
    for index, char in enumerate(chars):
        for row in range(LARGE_ROWS):
            pixels = PIXELS[char][row].replace("#", "██").replace(".", "  ")
            rows[row] += ("  " if index else "") + pixels
    return rows


class BigNumber(Widget):
    """The current ticket number: five rows of blocks when there is room, else three rows."""

    DEFAULT_CSS = """
    BigNumber { width: 1fr; height: 5; text-style: bold; }
    """

    value: reactive[str] = reactive("", layout=False)

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(BigNumber.value, value)

    def show(self, value: str) -> None:
        self.value = value

    def render(self) -> Text:
        if not self.value:
            return Text("")
        large = render_large(self.value)
        width, height = self.content_size.width, self.content_size.height
        if large is not None and len(large[0]) <= width and height >= LARGE_ROWS:
            lines = large
        else:
            lines = render_big(self.value)
        return Text("\n".join(lines), no_wrap=True, overflow="crop", end="")
