"""The counter screen: the ticket in front of the clerk, the window's queues, today's figures.

Keys follow DESIGN.md §4; every binding has an id so [keys] in the config can move it.
Enter (or space) starts service on a called ticket: call (F2) → the citizen arrives → Enter →
finish (F8). Keys that do not apply now are greyed out via check_action. Every action runs in a
worker that only posts a message; the handlers update the session and the App re-fetches.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from counter.core.i18n import t
from screens.context import host
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.live import hear_session
from screens.messages import ActionDone, ApiFailed
from screens.pause_reason import PauseNoteScreen, PauseReasonScreen
from screens.text import clean
from screens.transfer import TransferScreen, TransferTarget
from screens.widgets.fitted_footer import FittedFooter
from screens.widgets.queue_panel import QueuePanel
from screens.widgets.status_line import StatusLine, each_minute
from screens.widgets.tally_line import TallyLine
from screens.widgets.ticket_panel import TicketPanel
from screens.widgets.today_panel import TodayPanel
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.case_models import Case
    from client.models import PauseReason, Ticket, Window

# Actions that change the window or its ticket (greyed while one is in flight).
STATEFUL = {
    "call_next",
    "recall",
    "no_show",
    "start",
    "finish",
    "hold",
    "transfer",
    "pause",
    "call_named",
}

Op = Callable[[], Awaitable["Ticket | Window | None"]]


class CounterScreen(SaysWorkerErrors, Screen[None]):
    CSS_PATH = "counter.tcss"
    HELP_TOPIC = "counter"
    BINDINGS = bindings("counter")

    def __init__(self) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.busy = False  # a ticket action is in flight

    def compose(self) -> ComposeResult:
        yield StatusLine()
        with Horizontal(id="counter-body"):
            with Vertical(id="counter-left"):
                yield TicketPanel()
                yield TodayPanel()
                yield TallyLine()
            with Vertical(id="counter-right"):
                yield QueuePanel()
        yield FittedFooter(second_line=True)  # every key the counter offers, at 80 columns

    def on_mount(self) -> None:
        hear_session(self, self.redraw)
        self.redraw()
        # The minutes waited move once a minute; nothing else here needs a timer.
        each_minute(self, self.minute_passed)

    def minute_passed(self) -> None:
        """Only what counts minutes; panels whose text is unchanged are not sent again."""
        app = host(self.app)
        self.query_one(TicketPanel).show(app.session, app.now(), self.hint())
        self.query_one(QueuePanel).show(app.session)

    # --- view -------------------------------------------------------------------------------

    def key_for(self, action: str) -> str:
        for _node, binding, _enabled, _tip in self.active_bindings.values():
            if binding.action == action:
                return self.app.get_key_display(binding)
        return ""

    def hint(self) -> str:
        session = host(self.app).session
        current = session.current
        if session.paused:
            return t("hint.paused", key=self.key_for("pause"))
        if current is None:
            if session.held:
                return t("hint.idle_held", key=self.key_for("call_next"), hold=self.key_for("hold"))
            return t("hint.idle", key=self.key_for("call_next"))
        if current.status == "called":
            return t("hint.called", key=self.key_for("start"), recall=self.key_for("recall"))
        return t("hint.serving", key=self.key_for("finish"))

    def redraw(self) -> None:
        """Show the session as it stands; called by the App after every change."""
        if not self.query(StatusLine):
            return  # switched to but not composed yet: on_mount draws it
        app = host(self.app)
        session, now = app.session, app.now()
        self.query_one(StatusLine).redraw()
        self.query_one(TicketPanel).show(session, now, self.hint())
        self.query_one(QueuePanel).show(session)
        self.query_one(TodayPanel).show(session)
        self._label_keys()
        self.refresh_bindings()

    # --- which keys apply -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """True: applies now. None: greyed out. False: not shown at all.

        The footer shows the keys that apply, on a second line if one does not hold them, and
        greyed ones while room is left (screens.widgets.fitted_footer); F1 lists them all.
        """
        return self.applies(action)

    def applies(self, action: str) -> bool | None:
        """Whether a key applies now, whatever the room: True, None (greyed) or False."""
        session = host(self.app).session
        if action == "start":
            # Enter only shows while a called ticket waits to be started.
            return (not self.busy and session.can("start")) or False
        if action not in STATEFUL:
            return True
        if action == "hold":
            applies = session.hold_or_call_back() is not None
        elif action == "pause":
            applies = session.pause_or_resume() is not None
        else:
            applies = session.can(action)
        return True if applies and not self.busy else None

    def on_resize(self) -> None:
        self.refresh_bindings()

    def _label_keys(self) -> None:
        """F10 reads Resume while paused (one binding does both); F12 names what it opens: a
        clerk's own escalations, or the hall's ledger for a supervisor."""
        session = host(self.app).session
        staff = session.staff
        words = {
            "pause": t("keys.resume") if session.paused else t("keys.pause"),
            "escalations": t("keys.escalations")
            if staff is not None and staff.role in ("supervisor", "admin")
            else t("keys.my_escalations"),
        }
        table = self._bindings.key_to_bindings
        for key, group in table.items():
            table[key] = [
                replace(b, description=words[b.action]) if b.action in words else b for b in group
            ]

    def on_key(self, event: events.Key) -> None:
        """A counter key that does not apply now says why in one line, instead of nothing."""
        if self.busy:
            return
        for binding in self._bindings.key_to_bindings.get(event.key, []):
            if binding.action in STATEFUL and self.applies(binding.action) is not True:
                event.stop()
                self.app.notify(self.why_not(binding.action), markup=False)
                return

    def why_not(self, action: str) -> str:
        """One line for a key that does not apply, worded for that key: what it needs, and
        which key gets there from where the window stands."""
        session = host(self.app).session
        current = session.current
        if session.paused:
            return t("why_not.paused", key=self.key_for("pause"))
        if current is None:
            return t("why_not.no_ticket", key=self.key_for("call_next"))
        keys = {
            name: self.key_for(name)
            for name in ("start", "no_show", "finish", "hold", "transfer", action)
        }
        said = {"number": clean(current.number), "key": keys[action], **keys}
        if action in ("call_next", "call_named", "pause"):  # they need the window free
            state = "called" if current.status == "called" else "serving"
            return t(f"why_not.{state}_busy", then=t(f"why_not.then.{action}"), **said)
        if current.status == "called":  # finish, hold: they need it in service
            return t(f"why_not.called_{action}", **said)
        return t(f"why_not.serving_{action}", **said)  # recall, no-show, start

    # --- actions ----------------------------------------------------------------------------

    def _run(self, action: str, op: Op) -> None:
        self.busy = True
        self.refresh_bindings()
        self.run_op(action, op)

    @work(exclusive=True, group="ticket", exit_on_error=False)
    async def run_op(self, action: str, op: Op) -> None:
        try:
            with reports_failure(self, action):
                self.post_message(ActionDone(action, await op()))
        except Exception:
            # Not the network: the App says so; the keys must not stay greyed meanwhile.
            self.busy = False
            self.refresh_bindings()
            raise

    def _current_id(self) -> int | None:
        current = host(self.app).session.current
        return current.id if current is not None else None

    def action_call_next(self) -> None:
        app = host(self.app)
        no = app.session.window_no
        if no is not None:
            self._run("call_next", lambda: app.client.call_next(no))

    def _ticket_action(self, action: str, call: Callable[[int], Awaitable[Ticket]]) -> None:
        ticket_id = self._current_id()
        if ticket_id is not None:
            self._run(action, lambda: call(ticket_id))

    def action_recall(self) -> None:
        self._ticket_action("recall", host(self.app).client.recall)

    def action_no_show(self) -> None:
        self._ticket_action("no_show", host(self.app).client.no_show)

    def action_start(self) -> None:
        self._ticket_action("start", host(self.app).client.start)

    def action_finish(self) -> None:
        self._ticket_action("finish", host(self.app).client.finish)

    def action_hold(self) -> None:
        app = host(self.app)
        what = app.session.hold_or_call_back()
        if what == "hold":
            self._ticket_action("hold", app.client.hold)
        elif what == "call_back" and app.session.held:
            held_id = app.session.held[0].id
            self._run("call_back", lambda: app.client.call_back(held_id))

    def action_call_named(self) -> None:
        """叫指定号: a dialog asks for the number and the reason and makes the call."""
        from screens.call_named import CallNamedScreen

        no = host(self.app).session.window_no
        if no is None:
            return

        def called(ticket: Ticket | None) -> None:
            if ticket is not None:
                self.post_message(ActionDone("call_named", ticket))

        self.app.push_screen(CallNamedScreen(no), called)

    def action_sign_off(self) -> None:
        """签退: asks first; then the sign-on screen (another window, or ctrl+q)."""
        from screens.sign_off import Outcome, SignOffScreen

        app = host(self.app)
        no = app.session.window_no
        if no is None or not app.session.signed_on:
            return

        def answered(outcome: Outcome | None) -> None:
            if outcome == "signed_off":
                self.app.notify(t("sign_off.signed_off", window=no), markup=False)
                app.back_to_sign_on()

        self.app.push_screen(SignOffScreen(no, quitting=False, unfinished=[]), answered)

    def action_transfer(self) -> None:
        app = host(self.app)
        current = app.session.current
        if current is None:
            return
        hall = app.session.hall
        queues = [q for q in hall.queues if q.prefix != current.queue] if hall else []
        windows = app.session.other_windows()
        ticket_id = current.id

        def chosen(target: TransferTarget | None) -> None:
            if target is None:
                return
            self._run(
                "transfer",
                lambda: app.client.transfer(
                    ticket_id, queue=target.queue, window_no=target.window_no
                ),
            )

        self.app.push_screen(TransferScreen(current.number, queues, windows), chosen)

    def action_pause(self) -> None:
        app = host(self.app)
        no = app.session.window_no
        what = app.session.pause_or_resume()
        if no is None or what is None:
            return
        if what == "resume":
            self._run("resume", lambda: app.client.resume(no))
            return

        def noted(note: str | None) -> None:
            if note is not None:
                self._run("pause", lambda: app.client.pause(no, "other", note))

        def chosen(reason: PauseReason | None) -> None:
            if reason == "other":
                self.app.push_screen(PauseNoteScreen(), noted)  # "other" says what
            elif reason is not None:
                self._run("pause", lambda: app.client.pause(no, reason))

        self.app.push_screen(PauseReasonScreen(), chosen)

    def action_intake(self) -> None:
        from screens.intake import open_intake

        session = host(self.app).session
        if session.can("start"):
            self.action_start()  # the called citizen is here: taking the case starts service

        def taken(case: Case | None) -> None:
            if case is not None:
                session.last_case = case  # F9 on this ticket now prefills the case

        open_intake(self.app, taken)

    def action_escalate(self) -> None:
        from screens.escalation.hooks import raise_from_counter

        raise_from_counter(self.app)  # the form, prefilled with the ticket at the window

    def action_escalations(self) -> None:
        from screens.escalation.hooks import open_escalations

        open_escalations(self.app)  # supervisor → the hall's ledger; clerk → their own

    def action_my_ratings(self) -> None:
        from screens.ratings.my_ratings import MyRatingsScreen
        from screens.ratings.review_queue import BadQueueScreen

        staff = host(self.app).session.staff
        if staff is not None and staff.role in ("supervisor", "admin"):
            self.app.push_screen(BadQueueScreen())
        else:
            self.app.push_screen(MyRatingsScreen())

    # --- answers ----------------------------------------------------------------------------

    def on_action_done(self, message: ActionDone) -> None:
        # The App applies the answer to the session and re-fetches; here the busy flag, and
        # a line for what leaves no trace on this screen (the ticket goes away).
        from client.models import Ticket  # loaded by the answer; kept off the start-up path

        self.busy = False
        result = message.result
        if not isinstance(result, Ticket):
            return
        number = clean(result.number)
        if message.action == "no_show":
            self.app.notify(t("done.no_show", number=number), markup=False)
        elif message.action == "transfer" and result.target_window is not None:
            text = t("done.transfer_window", number=number, window=result.target_window)
            self.app.notify(text, markup=False)
        elif message.action == "transfer":
            text = t("done.transfer_queue", number=number, queue=clean(result.queue))
            self.app.notify(text, markup=False)

    def on_api_failed(self, message: ApiFailed) -> None:
        if message.action:
            self.busy = False
            self.refresh_bindings()
