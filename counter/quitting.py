"""Quitting the counter: never behind the clerk's back.

Signed on at a window, ctrl+q asks "sign off window N?" (default yes) and names any unfinished
work first; not signed on, it asks only when an intake or a form holds work. Mixed into the
App (counter.app.CounterApp) so app.py only names it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from typing import TYPE_CHECKING

from textual.app import App

from counter.core.i18n import t

if TYPE_CHECKING:
    from counter.core.session import Session


# How long a hung-up app may take to quit by itself before it is ended.
HANGUP_GRACE_S = 10.0


class Quitting(App[None]):
    session: Session

    if TYPE_CHECKING:  # the App's own (counter.kept_counter)

        def keep_counter(self, *, now: bool = False) -> None: ...

    def on_mount(self) -> None:
        # A dropped SSH session hangs the terminal up. End as a quit does (a clerk's window
        # stays signed on, as when they keep it): `counter demo` then removes its hall, and
        # nothing is left running on a dead terminal. (Textual calls every class's on_mount.)
        hangup = getattr(signal, "SIGHUP", None)
        if hangup is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().add_signal_handler(hangup, self.hung_up)

    def hung_up(self) -> None:
        """The terminal is gone. Textual's shutdown still writes to it (leaving the alternate
        screen, restoring the cursor): on a hung-up terminal such a write fails or waits for
        ever, so the standard streams are pointed at the null device first and the quit
        completes."""
        with contextlib.suppress(OSError):
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.close(null)
        threading.Thread(target=self._leave_if_stuck, name="hangup", daemon=True).start()
        self.exit()

    def _leave_if_stuck(self) -> None:
        """Textual's output thread can die on the hung-up terminal with writes still queued,
        and its shutdown then waits for it for ever. Nobody is left to see this process: after
        a grace period remove what a normal quit removes (a demo's hall) and leave."""
        time.sleep(HANGUP_GRACE_S)
        demo = getattr(self, "demo", None)
        if demo is not None:
            with contextlib.suppress(Exception):
                demo.remove_files()
        os._exit(128 + signal.SIGHUP)

    async def action_quit(self) -> None:
        """Signed on: ask "sign off window N?" (default yes) and name unfinished work first; not
        signed on, ask only when an intake or a form is unfinished."""
        from screens.sign_off import Outcome, SignOffScreen

        no = self.session.window_no
        if isinstance(self.screen, SignOffScreen):
            return  # the question is on screen already
        unfinished = self.unfinished_work()
        if no is None or not self.session.signed_on:
            if not unfinished:
                self.exit()
                return
            no = None  # e.g. a supervisor in the escalation form: ask about the work alone

        def answered(outcome: Outcome | None) -> None:
            if outcome is not None:
                self.keep_counter(now=True)  # as left, or forgotten when signed off
                self.exit()

        self.push_screen(SignOffScreen(no, quitting=True, unfinished=unfinished), answered)

    def unfinished_work(self) -> list[str]:
        """One line per screen holding work that quitting would interrupt."""
        from screens.escalation.form import EscalationForm
        from screens.intake import IntakeScreen

        lines: list[str] = []
        for screen in self.screen_stack:
            if isinstance(screen, IntakeScreen) and screen.state.step not in ("item", "document"):
                lines.append(t("sign_off.intake_open"))
            elif isinstance(screen, EscalationForm) and screen.unsaved():
                lines.append(t("sign_off.form_unsaved"))
        return lines
