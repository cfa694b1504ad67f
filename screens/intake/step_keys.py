"""What every intake step widget shares: its keys come from the key table (one group per
step, "intake.checklist" …), and Enter / Esc say StepNext / StepBack. A step's keys work
only while the focus is inside it, so no step sees another step's keys; the screen decides
what a message means for the intake as a whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from screens.intake.messages import StepBack, StepNext
from screens.keys import localized
from screens.type_ahead import after_keys

if TYPE_CHECKING:
    from textual.widget import Widget

    _Base = Widget
else:
    # Not a Widget at run time: a Widget base would bring its own can_focus (False) and
    # class settings in front of the container's.
    _Base = object


class StepKeys(_Base):
    """Mixed in before the container class: `class ChecklistStep(StepKeys, Vertical)`."""

    # Set by the screen while a case is on its way to the central: Enter and Esc wait.
    busy = False

    def own_keys(self) -> None:
        """Call in __init__: the descriptions in the clerk's language."""
        self._bindings = localized(self._bindings)

    def action_next(self) -> None:
        # After the keys typed before Enter; the keys behind it wait for the next step's focus.
        after_keys(self, StepNext())

    def action_back(self) -> None:
        after_keys(self, StepBack())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "back") and self.busy:
            return None
        return True
