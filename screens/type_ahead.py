"""Keys typed ahead of the screen land where they mean to (the intake typed in one burst).

Textual hands each key to the widget focused at the moment the App reads it. A key that hands
the focus over — to another screen (F5 opens the intake, the receipt's Enter closes it) or to
the next step of one (the intake's Enter) — moves the focus only once its messages have gone
round, so the keys typed right behind it went to the old place: "BDC-002⏎张三⇥…" put 张三 into
the search box, and the letters behind F5 went to the counter's own keys.

So the App holds the keys read behind such a key, here, in one place, until the hand-over is
done, and then passes them on in order. Three things hold them (each until its own end):
- "key": a key that runs a binding (the only keys that can move the focus) holds the keys
  behind it until it has gone all the way up, its binding run: a mark sent behind it along
  the same way says so when it reaches the App.
- "screen": a key read while the screen on top is not the one the keys went to waits, with
  every key behind it, until that screen has mounted, resumed and taken its first focus (its
  own queue, then the App's, gone round once).
- "step" (after_keys): a key whose move waits for more than its own binding — the intake's
  Enter goes on once the keys before it are handled, and the step says when the focus has
  moved (let_keys_go), after the central's answer when the move waits for one.
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
    from textual.screen import Screen
    from textual.timer import Timer

    _Base = App[Any]
else:
    _Base = object

HOLD_S = 5.0
# How often a held key's mark is looked for on a widget since removed (its key closed it).
LOST_MARK_S = 0.1


class AfterKeys(Message):
    """On its way up from the focused widget, behind the keys read before it."""

    def __init__(self, target: MessagePump, message: Message) -> None:
        super().__init__()
        self.target = target
        self.message = message


class KeyWentUp(Message):
    """Sent behind a key along its way: the key has been handled (and its binding run)."""

    def __init__(self, key: events.Key, target: MessagePump) -> None:
        super().__init__()
        self.key = key
        self.target = target


class LetKeysGo(Message):
    """The App hands the held keys on (in its own turn, so none overtakes another)."""


class KeepsTypeAhead(_Base):
    """Mixed into the App, before App."""

    held_keys: list[events.Key] | None = None
    _holding: set[str] | None = None
    _hold_timer: Timer | None = None
    _mark: KeyWentUp | None = None  # the mark of the key whose binding is awaited
    _mark_timer: Timer | None = None
    # The screen the keys went to, its focus taken; another on top holds the keys first.
    _settled: Screen[Any] | None = None
    # The screen whose first turn is awaited (one wait per screen, however many keys).
    _settling: Screen[Any] | None = None

    # --- holding ------------------------------------------------------------------------

    def _hold(self, why: str) -> None:
        if self._holding is None:
            self._holding = set()
        self._holding.add(why)
        if self.held_keys is None:
            self.held_keys = []
        if self._hold_timer is not None:
            self._hold_timer.stop()
        self._hold_timer = self.set_timer(HOLD_S, self._give_up)

    def _end(self, why: str) -> None:
        if self._holding:
            self._holding.discard(why)
        self.post_message(LetKeysGo())

    def _give_up(self) -> None:
        """Nothing ended the hold: the keys go on to whatever is on top now."""
        self._holding = None
        self._mark = None
        if self._screen_stack:
            self._settled = self.screen
        self.post_message(LetKeysGo())

    def after_keys(self, target: MessagePump, message: Message) -> None:
        """`message` to `target` once the keys read so far are handled; the keys read from now
        on wait for let_keys_go()."""
        self._hold("step")
        (self.focused or self.screen).post_message(AfterKeys(target, message))

    def let_keys_go(self) -> None:
        self._end("step")

    def _wait_for_screen(self) -> None:
        """Hold the keys until the screen on top has had its first turn: mounted, resumed,
        its focus set (a focus() asked for in on_mount runs in the App's queue)."""
        screen = self.screen
        self._hold("screen")
        if self._settling is screen:
            return
        self._settling = screen

        def screen_turned() -> None:
            self.call_later(screen_settled)

        def screen_settled() -> None:
            if self._settling is screen:
                self._settling = None
            if self.screen is screen:
                self._settled = screen
            self._end("screen")  # or wait again, for the screen now on top

        screen.call_later(screen_turned)

    def _mark_lost(self) -> None:
        """The key closed the widget it went to: its mark will never come up."""
        mark = self._mark
        if mark is None:
            if self._mark_timer is not None:
                self._mark_timer.stop()
                self._mark_timer = None
        elif not mark.target.is_attached:
            self._mark = None
            self._end("key")

    # --- reading keys -------------------------------------------------------------------

    async def _read(self, key: events.Key) -> None:
        """One key, to the screen on top once that has settled; a key that runs a binding
        holds the keys behind it until it has run."""
        if self.screen is not self._settled:
            self._hold("screen")
            assert self.held_keys is not None
            self.held_keys.insert(0, key)
            self._wait_for_screen()
            return
        binding = key.key in self.screen.active_bindings
        await super().on_event(key)
        if binding and key.is_forwarded:  # on its way up; its binding runs at the App
            target = self.focused or self.screen
            self._hold("key")
            self._mark = KeyWentUp(key, target)
            target.post_message(self._mark)
            if self._mark_timer is None:
                self._mark_timer = self.set_interval(LOST_MARK_S, self._mark_lost)

    def on_key_went_up(self, message: KeyWentUp) -> None:
        message.stop()
        if message is self._mark:
            self._mark = None
            self._end("key")

    def on_after_keys(self, message: AfterKeys) -> None:
        message.stop()
        message.target.post_message(message.message)

    async def on_let_keys_go(self, message: LetKeysGo) -> None:
        message.stop()
        if self._holding:
            return  # another hold still waits for its end
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if not self._screen_stack:  # the App is closing
            self.held_keys = None
            return
        held = self.held_keys or []
        while held and not self._holding:
            await self._read(held.pop(0))
        if not self._holding:
            self.held_keys = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and self._screen_stack:
            if self.held_keys is not None:
                self.held_keys.append(event)
                if self._settling is None and self.screen is not self._settled:
                    self._wait_for_screen()
                return
            self.held_keys = []
            await self._read(event)
            if not self._holding:
                self.held_keys = None
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
