"""The command palette (ctrl+p) lists the actions of the current screen that apply now."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from screens.help import key_rows, underneath


class ScreenActions(Provider):
    def _actions(self) -> list[tuple[str, str, str, DOMNode]]:
        """(label, keys, action, namespace) for what applies on the screen under the palette."""
        return [
            (description, keys, action, node)
            for keys, description, applies, action, node in key_rows(underneath(self.app))
            if applies and action != "command_palette"
        ]

    def _run(self, action: str, node: DOMNode) -> None:
        self.app.call_later(self.app.run_action, action, node)

    async def discover(self) -> Hits:
        for label, keys, action, node in self._actions():
            yield DiscoveryHit(label, partial(self._run, action, node), help=keys)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, keys, action, node in self._actions():
            score = max(matcher.match(label), matcher.match(action.replace("_", " ")))
            if score > 0:
                command = partial(self._run, action, node)
                yield Hit(score, matcher.highlight(label), command, help=keys)
