"""Transfer (转移): send the ticket to another queue, or to one window of the hall."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from counter.core.i18n import t
from screens.keys import bindings, localized
from screens.text import plain

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.models import QueueInfo, Window


@dataclass(frozen=True)
class TransferTarget:
    queue: str | None = None
    window_no: int | None = None


class TransferScreen(ModalScreen[TransferTarget | None]):
    CSS_PATH = "modal.tcss"
    BINDINGS = bindings("transfer")

    def __init__(self, number: str, queues: list[QueueInfo], windows: list[Window]) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.number = number
        self.targets: dict[str, TransferTarget] = {}
        self.options: list[Option | None] = []
        for queue in queues:
            key = f"q-{queue.prefix}"
            self.targets[key] = TransferTarget(queue=queue.prefix)
            label = Text.assemble(  # named as the windows below are: "Queue B", "Window 6"
                plain(t("transfer.to_queue", prefix=queue.prefix), "bold"),
                " ",
                plain(queue.name),
            )
            self.options.append(Option(label, id=key))
        if queues and windows:
            self.options.append(None)  # a separator line
        for window in windows:
            key = f"w-{window.no}"
            self.targets[key] = TransferTarget(window_no=window.no)
            label = Text.assemble(
                (t("status.window", no=window.no), "bold"),
                " ",
                plain(window.name),
                " · ",
                t("window.status." + window.status),
            )
            self.options.append(Option(label, id=key))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(t("transfer.title", number=self.number)), classes="dialog-title")
            yield OptionList(*self.options, id="transfer-targets")
            yield Static(t("transfer.hint"), classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.targets.get(event.option.id or ""))

    def action_cancel(self) -> None:
        self.dismiss(None)
