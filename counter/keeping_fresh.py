"""Keeping the counter screen current: hall events from the live stream fan out to every
screen, and the App re-fetches only the part of the window or queues an event changed — folded
into one fetch per burst, and never for the echo of an action whose answer already carried it.
Mixed into the App (counter.app.CounterApp) so app.py only names it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.signal import Signal
from textual.timer import Timer

from counter.core.i18n import t
from screens.failures import reports_failure
from screens.messages import ActionDone, ConnectionChanged, CounterData, HallEvent
from screens.text import clean
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:
    from client.api import CentralClient
    from client.live import ConnectionState
    from client.models import Event, Ticket
    from counter.core.session import Session

# Events after which the counter screen re-fetches; bursts are folded into one fetch.
REFRESH_DEBOUNCE_S = 0.3
# Actions whose answer is a ticket now called to this window: announce it.
ANNOUNCED = ("call_next", "call_named", "recall", "call_back")


class KeepsCounterFresh(SaysWorkerErrors, App[None]):
    client: CentralClient
    session: Session
    hall_events: Signal[Event]
    _refresh_timer: Timer | None
    _refresh_what: set[str]
    _refresh_for: int | None
    _answered_event_id: int
    _answers: int
    _stream_state: ConnectionState
    # The newest event the start's reads reflected (hall and queues read together): the stream
    # opens from there, so its first connection needs no catch-up fetch (None: it does).
    _live_from: int | None = None

    if TYPE_CHECKING:  # the App's own (counter.app, counter.worker_errors)

        def central_answered(self) -> None: ...

        def redraw(self) -> None: ...

        def settle_wire_models(self) -> None: ...

    @work(exclusive=True, group="live", exit_on_error=False)
    async def live_events(self) -> None:
        from client.live import LiveEvents

        def on_state(state: str) -> None:
            self.post_message(ConnectionChanged(state))

        events = LiveEvents(self.client, last_event_id=self._live_from, on_state=on_state)
        async for event in events:
            self.post_message(HallEvent(event))

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        if message.state in ("connecting", "live", "polling", "offline"):
            self.session.connection = message.state  # type: ignore[assignment]
            self._stream_state = self.session.connection
        if message.state == "live":
            if self._live_from is not None:
                self._live_from = None  # opened from the start's reads: nothing was missed
            else:
                self.schedule_refresh(0)  # catch up on whatever happened while disconnected
        self.redraw()

    def on_hall_event(self, message: HallEvent) -> None:
        """Every subscriber hears every event; the App itself re-fetches what the counter
        shows when its window or queues changed — only that part, and not for the echo of an
        action whose answer already carried it."""
        event = message.event
        self.hall_events.publish(event)
        if event.id <= self._answered_event_id:
            return
        mine = {q.prefix for q in self.session.window_queues()}
        if event.type == "queue.changed" and (event.queue is None or event.queue in mine):
            self.schedule_refresh(REFRESH_DEBOUNCE_S, "queues", for_event=event.id)
        elif event.type in ("window.changed", "ticket.called") and event.window_no in (
            None,
            self.session.window_no,
        ):
            self.schedule_refresh(REFRESH_DEBOUNCE_S, "window", for_event=event.id)

    def schedule_refresh(self, delay: float, *what: str, for_event: int | None = None) -> None:
        """Re-fetch `what` ("window", "queues"; both when not said) after `delay` seconds;
        requests due within the delay are folded into one fetch."""
        pending = self._refresh_timer is not None or bool(self._refresh_what)
        self._refresh_what.update(what or ("window", "queues"))
        if for_event is None:
            self._refresh_for = None
        elif not pending or self._refresh_for is not None:
            self._refresh_for = max(self._refresh_for or 0, for_event)
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        # (a zero-length Textual timer divides by zero when it is late)
        self._refresh_timer = self.set_timer(max(delay, 0.01), self._refresh_now)

    def _refresh_now(self) -> None:
        self._refresh_timer = None
        what, self._refresh_what = self._refresh_what, set()
        self._refresh_for = None
        no = self.session.window_no
        if no is not None and self.session.signed_in:
            held = [held.id for held in self.session.held] if "window" in what else []
            window = no if "window" in what else None
            self.refresh_counter(window, "queues" in what, held, self._answers)

    @work(group="refresh", exit_on_error=False)
    async def refresh_counter(
        self, no: int | None, queues: bool, held_ids: list[int], asked: int
    ) -> None:
        with reports_failure(self, quiet=True):
            window, figures, held = await asyncio.gather(
                self.client.window(no) if no is not None else _nothing(),
                self.client.queues() if queues else _nothing(),
                asyncio.gather(*(self.client.ticket(ticket_id) for ticket_id in held_ids)),
            )
            held_now = list(held) if no is not None else None
            self.post_message(CounterData(window, figures, held_now, asked))

    def on_counter_data(self, message: CounterData) -> None:
        self.settle_wire_models()  # the start's views, if still there, before mixing in models
        self.central_answered()
        if message.asked < self._answers:
            self.schedule_refresh(0)  # read before an answer now shown: read again
            return
        if message.window is not None:
            self.session.apply_window(message.window)
        if message.queues is not None:
            self.session.apply_queues(message.queues)
        if message.held is not None:
            self.session.apply_held(message.held)
        self.redraw()

    # --- answers to the counter's actions -------------------------------------------------------

    def on_action_done(self, message: ActionDone) -> None:
        # Here, not at the top: the wire models (pydantic) stay off the start-up path, and an
        # action's answer has loaded them already.
        from client.models import Ticket, Window

        self.settle_wire_models()
        self.central_answered()
        self._answers += 1
        result = message.result
        answered = False
        if isinstance(result, Ticket):
            self.session.apply_ticket(result)
            answered = self._apply_answer(result)
            if message.action in ANNOUNCED and result.status in ("called", "serving"):
                self.notify(
                    t(
                        "counter.announce",
                        number=clean(result.number),
                        window=self.session.window_no,
                    ),
                    markup=False,
                )
        elif isinstance(result, Window):
            self.session.apply_window(result)
            answered = True  # pause and resume leave the queue figures as they were
        elif message.action == "call_next":
            self.notify(t("counter.nothing_waiting"), markup=False)
        self.redraw()
        if not answered:
            self.schedule_refresh(0)  # an answer without the window (an older central)

    def _apply_answer(self, ticket: Ticket) -> bool:
        """The window and queue figures the action's answer carried; True when it did."""
        from client.models import TicketAnswer

        where = ticket.at_window if isinstance(ticket, TicketAnswer) else None
        if where is None or where.window.no != self.session.window_no:
            return False
        self.session.apply_window(where.window)
        self.session.apply_queues(where.queues)
        self._answered_event_id = max(self._answered_event_id, where.event_id)
        self._drop_answered_refresh()
        return True

    def _drop_answered_refresh(self) -> None:
        """The action's own events can arrive on the stream before its answer: a re-fetch
        waiting only for those is answered already."""
        waiting_for = self._refresh_for
        if self._refresh_timer is None or waiting_for is None:
            return
        if waiting_for <= self._answered_event_id:
            self._refresh_timer.stop()
            self._refresh_timer = None
            self._refresh_what = set()
            self._refresh_for = None


async def _nothing() -> None:
    return None
