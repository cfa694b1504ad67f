"""A checkbox that draws its mark only when ticked. Textual's draws "▐X▌" either way and tells
the two apart by colour alone: with NO_COLOR=1 or on a console without colour, the clerk could
not see whether the intake's agent box was ticked. Empty, it reads "▐ ▌"."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "X" if self.value else " "
        return super()._button
