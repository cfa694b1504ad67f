"""The board's reports and 回访 tabs: fetch, show, export the report; list the day's callback
sample and record what a call found (c)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import DataTable, Static

from client.errors import CentralError
from client.hall_time import hall_date
from client.report_models import Report, ReportKind
from client.supervisor_models import Callback, CallbackDay, CallbackRecord
from counter.core.i18n import t
from counter.core.report_csv import report_csv
from screens.context import host
from screens.export_file import AskBeforeReplacing, open_mode
from screens.failures import reports_failure
from screens.supervisor import board_text as bt
from screens.supervisor.prompt import Field, PromptScreen
from screens.supervisor.table_sync import sync
from screens.text import clean
from screens.worker_errors import SaysWorkerErrors


def save_report(path: Path, report: Report, replace: bool) -> None:
    """The report's CSV at `path`; an existing file only when `replace` (the supervisor said
    yes), so a file that appeared meanwhile is not replaced either. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open(open_mode(replace), encoding="utf-8-sig", newline="") as handle:
        handle.write(report_csv(report))


def report_path(report: Report, now: datetime) -> Path:
    from platformdirs import user_documents_dir

    try:
        folder = Path(user_documents_dir())
    except Exception:  # platformdirs guesses; a headless box may have none
        folder = Path.home()
    if not folder.is_dir():
        folder = Path.home()
    stamp = report.first_day.strftime("%Y%m%d" if report.kind == "day" else "%Y%m")
    return folder / f"report-{report.kind}-{stamp}.csv"


class BoardExtras(SaysWorkerErrors):
    if TYPE_CHECKING:
        tab: str
        app: Any
        report: Report | None
        report_kind: ReportKind
        callback_day: CallbackDay | None
        callback_date: date | None

        query_one: Any
        query: Any

        def notify(self, message: str, **kw: Any) -> None: ...
        def post_message(self, message: Any) -> bool: ...
        def refresh_bindings(self) -> None: ...

    # --- reports ----------------------------------------------------------------------------

    @work(exclusive=True, group="board-report", exit_on_error=False)
    async def load_report(self, kind: ReportKind) -> None:
        client = host(self.app).client
        from screens.supervisor.report_view import render

        with reports_failure(self, "board_report"):
            report = await client.report(kind)
            self.report = report
            self.query_one("#report-body", Static).update(render(report))
            self.refresh_bindings()

    @work(exclusive=True, group="board-report", exit_on_error=False)
    async def action_more_cases(self) -> None:
        """n: the next page of the cases per item, added below those shown (by keyset: the
        items after the last one shown, most cases first)."""
        report = self.report
        if report is None or report.cases_next is None:
            return
        client = host(self.app).client
        from screens.supervisor.report_view import PAGE, render

        with reports_failure(self, "board_report"):
            page = await client.report_cases(
                report.kind, report.first_day, report.cases_next, limit=PAGE
            )
            if self.report is not report:
                return  # another report was asked for meanwhile
            cases = [*report.cases, *page.items]
            self.report = report.model_copy(
                update={"cases": cases, "cases_total": page.total, "cases_next": page.next}
            )
            shown = self.query("#report-body")
            if shown:
                shown.first(Static).update(render(self.report))
            self.refresh_bindings()

    def action_export_report(self) -> None:
        """e: the CSV's path, the dated name offered; an existing file is replaced only
        when the supervisor presses Enter again on the sentence that says it exists."""
        report = self.report
        if report is None:
            return
        guard = AskBeforeReplacing("board.export_exists", "board.export_bad_path")

        async def send(values: dict[str, str | bool]) -> str | None:
            text = str(values["path"])
            said = guard(text) if text else t("board.export_need_path")
            if said:
                return said
            path = Path(text).expanduser()
            whole = report
            if report.cases_next is not None:  # the CSV holds every item, not the pages shown
                try:
                    whole = await host(self.app).client.rest_of_cases(report)
                except CentralError as error:
                    return t("board.export_failed", detail=clean(error.message))
            try:
                await asyncio.to_thread(save_report, path, whole, guard.replaces(path))
            except OSError as error:
                return t("board.export_failed", detail=clean(str(error.strerror or error)))
            self.notify(t("board.report_saved", path=clean(str(path))), markup=False)
            return None

        default = str(report_path(report, host(self.app).now()))
        field = Field("path", t("board.f.path"), t("board.f.path_hint"), default, max_length=400)
        title = t(f"board.export_title_{report.kind}")
        self.app.push_screen(PromptScreen(title, [field], send))

    # --- callbacks --------------------------------------------------------------------------

    def action_callback_day(self, step: int) -> None:
        """[ and ] on tab 6: the day before or after (never past today): a past day's sample,
        what its calls found and its rate, as drawn then."""
        today = hall_date(host(self.app).now())
        shown = getattr(self, "callback_date", None) or today
        wanted = min(shown + timedelta(days=step), today)
        self.callback_date = None if wanted == today else wanted
        self.load_callbacks()

    @work(exclusive=True, group="board-callbacks", exit_on_error=False)
    async def load_callbacks(self) -> None:
        client = host(self.app).client
        past = getattr(self, "callback_date", None)
        with reports_failure(self, "board_callbacks"):
            if past is None:
                day = await client.draw_callbacks()  # tops today's sample up, then lists it
            else:
                day = await client.callbacks(past)
            self.callback_day = day
            self.query_one("#callbacks-head", Static).update(bt.callbacks_head(day))
            table = self.query_one("#callbacks", DataTable)
            sync(table, [(str(c.id), bt.callback_row(c)) for c in day.callbacks])
            self.refresh_bindings()

    def selected_callback(self) -> Callback | None:
        if self.tab != "callbacks" or self.callback_day is None:
            return None
        table = self.query_one("#callbacks", DataTable)
        if not table.row_count or not 0 <= table.cursor_row < table.row_count:
            return None
        key = str(table.ordered_rows[table.cursor_row].key.value)
        return next((c for c in self.callback_day.callbacks if str(c.id) == key), None)

    def action_record_callback(self) -> None:
        chosen = self.selected_callback()
        if chosen is None or chosen.recorded_at is not None:
            return
        client = host(self.app).client

        async def send(values: dict[str, str | bool]) -> str | None:
            reached = bool(values["reached"])
            record = CallbackRecord(
                reached=reached,
                satisfied=bool(values["satisfied"]) if reached else None,
                note=str(values["note"]),
                open_rectification=bool(values["rectify"]),
            )
            await client.record_callback(chosen.id, record)
            return None

        fields = [
            Field("reached", t("board.f.reached"), t("board.f.reached_box"), check=True),
            Field("satisfied", t("board.f.satisfied"), t("board.f.satisfied_box"), check=True),
            Field("note", t("board.f.note"), t("board.f.note_hint"), max_length=500),
            Field("rectify", t("board.f.rectify"), t("board.f.rectify_box"), check=True),
        ]

        def after(done: bool | None) -> None:
            if done:
                self.load_callbacks()

        title = t("board.callback_title", number=chosen.ticket_number, phone=chosen.phone)
        self.app.push_screen(PromptScreen(title, fields, send), after)
