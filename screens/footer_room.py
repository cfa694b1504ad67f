"""Which greyed-out keys the footer has room for.

A screen shows the keys that apply now; keys that do not apply are shown greyed only while
the footer's one line has room for them, in the key table's order, so a 120-column footer
shows as many as fit and never runs off the right edge (F12 cut to "F12 Led", F1 lost).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rich.cells import cell_len
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen


def key_cells(app: App[Any], binding: Binding) -> int:
    """Cells a compact footer key takes: key, space, description, and one column between."""
    return cell_len(app.get_key_display(binding)) + 1 + cell_len(binding.description) + 1


def shown(groups: Iterable[list[Binding]]) -> list[Binding]:
    """The footer's keys: the first shown binding of each action, in declaration order."""
    seen: dict[str, Binding] = {}
    for group in groups:
        for binding in group:
            if binding.show and binding.action not in seen:
                seen[binding.action] = binding
    return list(seen.values())


def greyed_that_fit(screen: Screen[Any], applies: Callable[[Binding], bool | None]) -> set[str]:
    """The actions of greyed keys (applies → None) the footer has room for.

    `applies` is the screen's own rule without the room: True shown, None greyed, False never.
    """
    app = screen.app
    keys = shown(screen._bindings.key_to_bindings.values())
    everywhere = shown(app._bindings.key_to_bindings.values())
    state = {binding.action: applies(binding) for binding in keys}
    room = app.size.width  # updated before any widget hears of a resize
    room -= sum(key_cells(app, b) for b in everywhere if b.action not in state)
    room -= sum(key_cells(app, b) for b in keys if state[b.action] is True)
    fitting: set[str] = set()
    for binding in keys:
        if state[binding.action] is None:
            cells = key_cells(app, binding)
            if cells <= room:
                fitting.add(binding.action)
                room -= cells
    return fitting
