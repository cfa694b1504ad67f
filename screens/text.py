"""Text from the API is data: render it literally, never as markup, never with control codes.

A citizen named `[b]x[/b]` shows those seven characters; a window name holding an escape
sequence shows without it and never reaches the terminal raw.
"""

from __future__ import annotations

import re

from rich.text import Text

# ESC sequences first (CSI with its parameters, OSC up to BEL/ST, two-byte escapes), then any
# remaining C0 control (tab and newline included: the fields are single-line), DEL and C1.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI … final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC … BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS / SOS / PM / APC … ST
    r"|\x1b[ -/]*[0-~]?"  # other escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# …plus the bidi overrides, which can make a name display as something else.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(value: object) -> str:
    """The string with escape sequences and control characters removed."""
    text = "" if value is None else str(value)
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def plain(value: object, style: str = "") -> Text:
    """A Rich Text holding `value` literally (no markup parsing), control characters removed."""
    return Text(clean(value), style=style, no_wrap=False, end="")
