"""A one-line footer that never runs off the right edge.

Textual's footer lays every key in a row and cuts the last one mid-word ("F12 L") when they
do not fit. This one keeps the app's own keys (F1 Help), then the screen's main keys that
apply (KeyBinding.main: the intake checklist's Enter, Esc and marks, F9), then its other keys
that apply, in the key table's order, while they fit, then greyed ones while room is left. A
key left out still works; F1 lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from counter.core.keys import MAIN_KEYS
from screens.footer_room import key_cells

Shown = tuple[Binding, bool, str]


def rank(key: Shown, own: set[str]) -> int:
    """Who gets the room first: the app's own keys, the main keys that apply, the other keys
    that apply, then greyed ones."""
    binding, enabled, _tip = key
    if binding.action in own:
        return 0
    if not enabled:
        return 3
    return 1 if binding.id in MAIN_KEYS else 2


def fitting(
    keys: list[Shown], own: set[str], room: int, cells: Callable[[Binding], int]
) -> list[Shown]:
    """The keys that fit in `room` cells, by rank; shown in their original order."""
    kept: set[str] = set()
    for level in (0, 1, 2, 3):
        for key in keys:
            if rank(key, own) == level and cells(key[0]) <= room:
                kept.add(key[0].action)
                room -= cells(key[0])
    return [key for key in keys if key[0].action in kept]


class FittedFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

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

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        keys, own = self.shown()
        room = self.app.size.width  # updated before any widget hears of a resize
        yield from self._keys(fitting(keys, own, room, lambda b: key_cells(self.app, b)))

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
