"""Sign on (签到) to a window: the hall's windows, the default one highlighted; Enter signs on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from counter.core.i18n import t
from screens.context import host
from screens.errors import describe
from screens.failures import reports_failure
from screens.keys import bindings, localized
from screens.live import hear_hall, hear_session
from screens.messages import ApiFailed, HallLoaded, SignedOn
from screens.text import plain
from screens.widgets.status_line import StatusLine
from screens.worker_errors import SaysWorkerErrors

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.models import Event, Hall, Window


def window_label(window: Window, me: str | None) -> Text:
    label = Text.assemble(
        (f"{window.no:>3} ", "bold"),
        plain(window.name),
        " · ",
        t("window.general") if window.general else ", ".join(q.prefix for q in window.queues),
        " · ",
        t("window.status." + window.status),
    )
    if window.staff_name and window.status != "signed_off":
        mine = window.staff_no == me
        label.append(" · ")
        label.append_text(plain(window.staff_name, "bold" if mine else "dim"))
    return label


# A burst of window changes (the morning sign-on) is shown once.
RELOAD_DEBOUNCE_S = 0.3


class SignOnScreen(SaysWorkerErrors, Screen[None]):
    CSS_PATH = "sign_on.tcss"
    HELP_TOPIC = "sign_on"
    # A supervisor runs the hall without a window: the 差评 queue and the escalation ledger.
    BINDINGS = bindings("sign_on")

    def __init__(self, default_window: int | None = None) -> None:
        super().__init__()
        self._bindings = localized(self._bindings)
        self.default_window = default_window
        self.busy = False
        self._reload: Timer | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("bad_queue", "escalations"):
            staff = host(self.app).session.staff
            return staff is not None and staff.role in ("supervisor", "admin")
        return True

    def action_bad_queue(self) -> None:
        from screens.ratings.review_queue import BadQueueScreen

        self.app.push_screen(BadQueueScreen())

    def action_escalations(self) -> None:
        from screens.escalation.hooks import open_escalations

        open_escalations(self.app)

    def compose(self) -> ComposeResult:
        app = host(self.app)
        session = app.session
        yield StatusLine()
        with Vertical(id="sign-on") as box:
            box.border_title = t("sign_on.title")
            who = session.staff
            if who is not None:
                yield Static(
                    Text.assemble(
                        t("sign_on.who"), " ", plain(who.name), " (", plain(who.staff_no), ")"
                    ),
                    id="sign-on-who",
                )
            windows = session.hall.windows if session.hall is not None else []
            me = who.staff_no if who is not None else None
            yield OptionList(
                *[Option(window_label(w, me), id=str(w.no)) for w in windows], id="windows"
            )
            yield Static("", id="sign-on-error")
            yield Static(t("sign_on.hint"), id="sign-on-hint")
        yield Footer()

    def on_mount(self) -> None:
        hear_session(self, self.redraw)
        hear_hall(self, self.hall_event)
        found = self.query("#windows").results(OptionList)
        options = next(found, None)
        if options is None:
            return  # replaced or the app closing before this mount ran: nothing to highlight
        if self.default_window is not None:
            try:
                options.highlighted = options.get_option_index(str(self.default_window))
            except Exception:  # the configured window is not in this hall: start at the top
                options.highlighted = 0
        elif options.option_count:
            options.highlighted = 0
        options.focus()

    def redraw(self) -> None:
        for line in self.query(StatusLine):  # none until composed
            line.redraw()

    def hall_event(self, event: Event) -> None:
        if event.type == "window.changed":
            self.hall_changed()

    def hall_changed(self) -> None:
        """A window changed in the hall (a colleague signed on or off): show it, once per burst."""
        if self._reload is not None:
            self._reload.stop()
        self._reload = self.set_timer(RELOAD_DEBOUNCE_S, self.reload_windows)

    @work(exclusive=True, group="sign_on_hall", exit_on_error=False)
    async def reload_windows(self) -> None:
        with reports_failure(self, quiet=True):
            hall = await host(self.app).client.hall()
            self.post_message(HallLoaded(hall))

    def on_hall_loaded(self, message: HallLoaded) -> None:
        message.stop()  # this screen's own refresh, not the App's first load
        self.show_windows(message.hall)

    def show_windows(self, hall: Hall) -> None:
        if not self.query("#windows"):
            return  # a reload that came back after the clerk left this screen (signed on)
        host(self.app).session.apply_hall(hall)
        options = self.query_one("#windows", OptionList)
        highlighted = options.highlighted
        kept = options.get_option_at_index(highlighted).id if highlighted is not None else None
        staff = host(self.app).session.staff
        me = staff.staff_no if staff is not None else None
        options.clear_options()
        options.add_options([Option(window_label(w, me), id=str(w.no)) for w in hall.windows])
        if kept is not None:
            try:
                options.highlighted = options.get_option_index(kept)
            except Exception:  # that window left the hall
                options.highlighted = 0 if options.option_count else None

    @on(OptionList.OptionSelected, "#windows")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if self.busy or event.option.id is None:
            return
        self.busy = True
        self.query_one("#sign-on-error", Static).update(t("sign_on.signing_on"))
        self.sign_on(int(event.option.id))

    @work(exclusive=True, group="sign_on", exit_on_error=False)
    async def sign_on(self, no: int) -> None:
        with reports_failure(self, "sign_on"):
            await host(self.app).prepare_window(no)
            window = await host(self.app).client.sign_on(no)
            self.post_message(SignedOn(window))

    def on_signed_on(self, message: SignedOn) -> None:
        self.busy = False

    def on_api_failed(self, message: ApiFailed) -> None:
        if message.action != "sign_on":
            return
        self.busy = False
        # Shown where the clerk is looking; the App still handles an expired token.
        self.query_one("#sign-on-error", Static).update(
            plain(describe(message.error, host(self.app).client.base_url))
        )
