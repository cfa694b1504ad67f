"""A small dialog for the board's interventions: a few fields, Enter sends, Esc cancels.

The dialog sends itself (through `send`) and stays open on a refusal, showing the central's
sentence under the fields with what was typed kept, so a mistyped number is fixed, not retyped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from client.errors import CentralError
from counter.core.i18n import t
from screens.errors import describe
from screens.keys import bindings, localized
from screens.widgets.tick_box import TickBox
from screens.worker_errors import SaysWorkerErrors

Send = Callable[[dict[str, str | bool]], Awaitable[str | None]]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    placeholder: str = ""
    value: str = ""
    check: bool = False  # a yes/no box instead of a line of text
    max_length: int = 40


class PromptScreen(SaysWorkerErrors, ModalScreen[bool]):
    CSS_PATH = "board.tcss"
    BINDINGS = bindings("board_prompt")

    def __init__(self, title: str, fields: list[Field], send: Send) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.title_text = title
        self.fields = fields
        self.send = send
        self.busy = False
        self.refusal = ""  # the last refusal shown

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="dialog-title")
            for f in self.fields:
                with Horizontal(classes="prompt-row"):
                    yield Static(Text(f.label), classes="prompt-label")
                    if f.check:
                        yield TickBox(f.placeholder, value=f.value == "yes", id=f"f-{f.key}")
                    else:
                        yield Input(
                            f.value, placeholder=f.placeholder, id=f"f-{f.key}",
                            max_length=f.max_length,
                        )  # fmt: skip
            yield Static(id="prompt-error")
            yield Static(t("board.prompt_hint"), classes="dialog-hint")

    def values(self) -> dict[str, str | bool]:
        found: dict[str, str | bool] = {}
        for f in self.fields:
            if f.check:
                found[f.key] = self.query_one(f"#f-{f.key}", Checkbox).value
            else:
                found[f.key] = self.query_one(f"#f-{f.key}", Input).value.strip()
        return found

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is not inputs[-1]:
            self.focus_next()
            return
        if not self.busy:
            self.busy = True
            self.run_send(self.values())

    @work(exclusive=True, group="board-prompt", exit_on_error=False)
    async def run_send(self, values: dict[str, str | bool]) -> None:
        try:
            refusal = await self.send(values)
        except CentralError as error:
            refusal = describe(error, "")
        self.busy = False
        if refusal is None:
            self.dismiss(True)
            return
        self.refusal = refusal
        self.query_one("#prompt-error", Static).update(Text(refusal, style="bold"))

    def action_cancel(self) -> None:
        self.dismiss(False)
