"""The general window's intake (无差别综合受理), one module per step or concern:

    screen.py     IntakeScreen: composes the steps and mixes in its parts:
                  catalog_loading.py, drafts.py, navigation.py, item_applicant.py,
                  marking.py, submitting.py (base.py: what they share)
    state.py      the intake as data and its rules (no Textual)
    search.py     1 item search          applicant.py  2 applicant (+ agent)
    checklist.py  3 material checklist   decision.py   4 decision
    documents.py  5 the receipt / notice as plain text (Chinese legal documents)
    dialogs.py    note, document viewer, kept drafts
    messages.py   what the workers post, and IntakeEscalation for the App

Hooks for the App and the counter screen are `open_intake` and `announce_drafts` below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from client.case_models import Case
from screens.intake.messages import IntakeEscalation
from screens.intake.screen import IntakeScreen

__all__ = ["IntakeEscalation", "IntakeScreen", "announce_drafts", "open_intake"]


def open_intake(app: App[Any], done: Callable[[Case | None], None] | None = None) -> None:
    """Open the intake for the ticket at the window (called or served), or without one."""
    from screens.context import host

    session = host(app).session
    app.push_screen(IntakeScreen(ticket=session.current, window_no=session.window_no), done)


def announce_drafts(app: App[Any]) -> None:
    """After sign-on: say once that unfinished intakes are kept (a thread worker reads them)."""
    from counter.core import intake_draft
    from counter.core.i18n import tn
    from screens.context import host

    hosted = host(app)
    staff = hosted.session.staff
    if staff is None:
        return
    central = hosted.config.central_url or hosted.client.base_url
    staff_no = staff.staff_no

    def look() -> None:
        drafts = intake_draft.pending(staff_no, central)
        if drafts:
            text = tn("intake.drafts.announce", len(drafts))
            app.call_from_thread(app.notify, text, markup=False, timeout=10)

    app.run_worker(look, thread=True, group="intake-drafts-announce", exit_on_error=False)
