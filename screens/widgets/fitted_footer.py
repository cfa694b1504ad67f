"""A footer that never runs off the right edge, on one line or, where a screen allows, two.

Textual's footer lays every key in a row and cuts the last one mid-word ("F12 L") when they
do not fit. This one keeps the app's own keys (F1 Help), then the screen's main keys that
apply (KeyBinding.main: the intake checklist's Enter, Esc and marks, F9), then its other keys
that apply, in the key table's order, while they fit, then greyed ones while room is left.

A screen whose keys matter at every moment (the counter) allows a second line: it is taken
when the keys that apply do not fit one line (80 columns in English), or, on a screen tall
enough to spare a row, when the greyed keys do not (the clerk sees the whole set of keys).
A key left out still works; F1 lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from counter.core.keys import MAIN_KEYS
from screens.footer_room import key_cells

Shown = tuple[Binding, bool, str]
Cells = Callable[[Binding], int]

# A terminal at least this tall spares a second footer line for keys that do not apply now.
TALL = 30


def rank(key: Shown, own: set[str]) -> int:
    """Who gets the room first: the app's own keys, the main keys that apply, the other keys
    that apply, then greyed ones."""
    binding, enabled, _tip = key
    if binding.action in own:
        return 0
    if not enabled:
        return 3
    return 1 if binding.id in MAIN_KEYS else 2


def fitting(keys: list[Shown], own: set[str], room: int, cells: Cells) -> list[Shown]:
    """The keys that fit in `room` cells, by rank; shown in their original order."""
    kept: set[str] = set()
    for level in (0, 1, 2, 3):
        for key in keys:
            if rank(key, own) == level and cells(key[0]) <= room:
                kept.add(key[0].action)
                room -= cells(key[0])
    return [key for key in keys if key[0].action in kept]


def packed(keys: list[Shown], width: int, cells: Cells) -> list[list[Shown]]:
    """`keys` in order, a line filled before the next is begun."""
    lines: list[list[Shown]] = [[]]
    used = 0
    for key in keys:
        if lines[-1] and used + cells(key[0]) > width:
            lines.append([])
            used = 0
        lines[-1].append(key)
        used += cells(key[0])
    return lines


def laid_out(
    keys: list[Shown], own: set[str], width: int, cells: Cells, two_lines: bool
) -> list[list[Shown]]:
    """The footer's lines: one, or two when allowed and `keys` do not fit one."""
    one = fitting(keys, own, width, cells)
    if not two_lines or len(one) == len(keys):
        return [one]
    kept = fitting(keys, own, 2 * width, cells)
    while len(lines := packed(kept, width, cells)) > 2:
        # A key too wide for what is left of the first line: the least needed one gives way.
        last = max(range(len(kept)), key=lambda i: (rank(kept[i], own), i))
        del kept[last]
    return lines


class FittedFooter(Footer):
    def __init__(self, *, second_line: bool = False) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self.second_line = second_line

    def shown(self) -> tuple[list[Shown], set[str]]:
        """One entry per action, as the footer shows them; and the app's own actions."""
        keys: dict[str, Shown] = {}
        own: set[str] = set()
        for node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = (binding, enabled, tooltip)
                if node is self.app:
                    own.add(binding.action)
        return list(keys.values()), own

    def wants_second_line(self, keys: list[Shown], own: set[str], width: int) -> bool:
        """Allowed, and needed: keys that apply are left out, or greyed ones on a tall screen."""
        if not self.second_line:
            return False
        one = {k[0].action for k in fitting(keys, own, width, self.cells)}
        left_out = [k for k in keys if k[0].action not in one]
        return any(enabled for _b, enabled, _t in left_out) or (
            bool(left_out) and self.app.size.height >= TALL
        )

    def cells(self, binding: Binding) -> int:
        return key_cells(self.app, binding)

    # What the keys last composed were (see recompose).
    _composed: object = None

    def _signature(self, keys: list[Shown], own: set[str]) -> object:
        size = self.app.size
        shown = tuple(
            (b.action, b.key, self.app.get_key_display(b), b.description, enabled, tip)
            for b, enabled, tip in keys
        )
        return size.width, size.height >= TALL, shown, frozenset(own)

    async def recompose(self) -> None:
        """Only when what the keys show changed: every change of the session refreshes the
        bindings, and composing the keys again (their styles applied anew) was a sixth of
        the counter screen's first paint, done four times over."""
        if self._bindings_ready and self._composed == self._signature(*self.shown()):
            self._lift_notices()  # a notice may have come since
            return
        await super().recompose()

    _lines = 1

    def _lift_notices(self) -> None:
        for rack in self.screen.query("ToastRack"):
            rack.styles.margin = (0, 0, self._lines, 0)  # notices stay above the keys

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        keys, own = self.shown()
        self._composed = self._signature(keys, own)
        width = self.app.size.width  # updated before any widget hears of a resize
        two = self.wants_second_line(keys, own, width)
        lines = laid_out(keys, own, width, self.cells, two)
        self.styles.height = self._lines = len(lines)
        self.styles.layout = "vertical" if len(lines) > 1 else "horizontal"
        self._lift_notices()
        if len(lines) == 1:
            yield from self._keys(lines[0])
            return
        for line in lines:
            with HorizontalGroup(classes="footer-line"):
                yield from self._keys(line)

    def _keys(self, keys: list[Shown]) -> Iterator[FooterKey]:
        for binding, enabled, tooltip in keys:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)

    def on_resize(self) -> None:
        # A wider or narrower line fits other keys.
        if self._bindings_ready:
            self.call_after_refresh(self.recompose)
