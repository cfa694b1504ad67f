"""A Static that repaints only when what it shows has changed.

An idle counter screen must write next to nothing to the terminal (a slow SSH link, a 2 KB a
minute budget): the once-a-minute tick and event-driven refreshes go through here, so a panel
whose text is unchanged is not sent again.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.console import RenderableType
from textual.widget import Widget
from textual.widgets import Static


class SteadyStatic(Static):
    _shown: object = None

    def show_content(self, content: RenderableType, key: Hashable | None = None) -> None:
        """Show `content` unless it (or its `key`, for renderables without equality) is
        what is already shown."""
        marker = key if key is not None else content
        if marker is not None and marker == self._shown:
            return
        self._shown = marker
        self.update(content)

    def show_title(self, title: str) -> None:
        keep_title(self, title)


def keep_title(widget: Widget, title: str, subtitle: str | None = None) -> None:
    """Set a widget's border title (and subtitle) unless it is already that: Textual repaints
    the whole widget at every assignment, even of the same text (on an idle screen's minute
    tick, a panel or a table sent again for nothing)."""
    if widget.border_title != title:
        widget.border_title = title
    if subtitle is not None and (widget.border_subtitle or "") != subtitle:
        widget.border_subtitle = subtitle
