"""Keys typed ahead of the screen land where they mean to (the intake typed in one burst).

Textual hands each key to the widget focused at the moment the App reads it. A key that moves
to the next step (the intake's Enter) moves the focus only once its message has gone round, so
the keys typed right behind it went to the old field: "BDC-002⏎张三⇥…" put 张三 into the search
box, and Enter could take the item of a search that had not yet seen the last letters.

So a key that moves the focus, when the App reads it:
- holds the keys read after it (kept in order, not handed to anyone), and
- sends its message on the way the keys before it went (the focused widget, up to the App),
  so it is acted on only once each of those has been handled (their text typed, their
  bindings run), and then to the step that acts on it;
and the step, having moved the focus, lets the held keys go on, in order, to the new field.
A hold that nobody ends lets the keys go after HOLD_S: late, never lost. It is long because a
loaded machine can take a second or more to lay out the next step, and keys let go before the
focus moved would land in the old field again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.message import Message
from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    _Base = App[Any]
else:
    _Base = object

HOLD_S = 5.0


class AfterKeys(Message):
    """On its way up from the focused widget, behind the keys read before it."""

    def __init__(self, target: MessagePump, message: Message) -> None:
        super().__init__()
        self.target = target
        self.message = message


class LetKeysGo(Message):
    """The App hands the held keys on (in its own turn, so none overtakes another)."""


class KeepsTypeAhead(_Base):
    """Mixed into the App, before App."""

    held_keys: list[events.Key] | None = None
    _hold_timer: Timer | None = None

    def after_keys(self, target: MessagePump, message: Message) -> None:
        """`message` to `target` once the keys read so far are handled; the keys read from now
        on wait for let_keys_go()."""
        if self.held_keys is None:
            self.held_keys = []
        if self._hold_timer is not None:
            self._hold_timer.stop()
        self._hold_timer = self.set_timer(HOLD_S, self.let_keys_go)
        (self.focused or self.screen).post_message(AfterKeys(target, message))

    def let_keys_go(self) -> None:
        self.post_message(LetKeysGo())

    def on_after_keys(self, message: AfterKeys) -> None:
        message.stop()
        message.target.post_message(message.message)

    async def on_let_keys_go(self, message: LetKeysGo) -> None:
        message.stop()
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        held, self.held_keys = self.held_keys or [], None
        while held:
            await super().on_event(held.pop(0))
            if self.held_keys is not None:  # that key holds the rest again
                self.held_keys[:0] = held
                return

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self.held_keys is not None:
            self.held_keys.append(event)
            return
        await super().on_event(event)


def after_keys(widget: MessagePump, message: Message) -> None:
    """Send `message` to `widget` behind the keys typed before it (see the module's text)."""
    app = widget.app
    if isinstance(app, KeepsTypeAhead):
        app.after_keys(widget, message)
    else:
        widget.post_message(message)


def let_keys_go(widget: Any) -> None:
    """The focus has moved: the keys typed meanwhile go on to it."""
    if isinstance(widget.app, KeepsTypeAhead):
        widget.app.let_keys_go()
