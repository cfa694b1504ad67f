"""F1: the keys of the screen underneath, with what each does there (in the current language)."""

from __future__ import annotations

from typing import cast

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from counter.core.i18n import has, t
from screens.keys import bindings, localized


def underneath(app: App[object]) -> Screen[object]:
    """The screen the clerk was on (not the help or the command palette laid over it)."""
    for screen in reversed(app.screen_stack):
        if not isinstance(screen, (CommandPalette, HelpScreen)):
            return cast("Screen[object]", screen)
    return app.screen


def key_rows(screen: Screen[object]) -> list[tuple[str, str, bool, str, DOMNode]]:
    """(keys, description, applies now, action, namespace) of each of our bindings on `screen`.

    Only bindings with an id (ours, rebindable in [keys]); the keys of one action are joined
    ("F2 / n"); keys that do not apply now are listed too, so help shows the whole screen.
    """
    rows: dict[str, tuple[list[str], str, bool, str, DOMNode]] = {}
    app = screen.app
    for namespace, chain in screen._modal_binding_chain:
        for _key, binding in chain:
            if binding.id is None or not binding.description:
                continue
            display = app.get_key_display(binding)
            applies = app._check_action_state(binding.action, namespace) is True
            keys, description, before, action, node = rows.get(
                binding.action, ([], binding.description, False, binding.action, namespace)
            )
            if display not in keys:
                keys.append(display)
            rows[binding.action] = (keys, description, before or applies, action, node)
    return [(" / ".join(keys), d, a, action, node) for keys, d, a, action, node in rows.values()]


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "modal.tcss"
    BINDINGS = bindings("help")

    def __init__(self, about: Screen[object], topic: str) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.about = about
        self.topic = topic

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 1), expand=True)
        table.add_column(no_wrap=True, style="bold")
        table.add_column(ratio=1)
        for keys, description, applies, _action, _node in key_rows(self.about):
            table.add_row(keys, Text(description, style="" if applies else "dim"))
        body_key = f"help.{self.topic}"
        with Vertical(classes="dialog"):
            yield Static(
                t("help.title", screen=t(f"help.{self.topic}_title")), classes="dialog-title"
            )
            if has(body_key):
                yield Static(Text(t(body_key)))
            with VerticalScroll(id="help-keys"):
                yield Static(table)
            yield Static(t("help.close"), classes="dialog-hint")
