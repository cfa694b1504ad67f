"""A trainee's terminal in a classroom (`counter --url` against `counter serve --demo`): the
scenario, the desk and the report live on the central; this is the TrainingControl the App uses
for them, over the network.

The intake screen asks for the desk synchronously (it redraws often), so the desk of a ticket is
fetched once when the ticket comes to the window and kept; `on_desk` tells the App it arrived.
Keys pressed are kept and sent in a batch a few seconds after the first (and before a report).
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import sys
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from client import errors
from client import training_api as api
from client.api import CentralClient
from client.training_models import (
    ClassroomReports,
    DeskOut,
    KeyTimes,
    TraineePlace,
    TraineeReportOut,
)
from counter.core.desk import Desk, DeskDocument
from counter.core.i18n import current_language, t
from counter.core.trainee_report import (
    CSV_FIELDS,
    CaseResult,
    TraineeReport,
    as_is,
    render_csv,
    render_text,
)

KEYS_AFTER_S = 5.0


def desk_from(wire: DeskOut) -> Desk:
    english = current_language() == "en"
    person = wire.applicant == "person"
    return Desk(
        citizen=wire.citizen,
        ticket_number=wire.ticket_number,
        says=wire.says_en if english and wire.says_en else wire.says,
        documents=tuple(
            DeskDocument(d.material, d.form, d.note, d.note_key, d.note_value, d.note_en)
            for d in wire.documents
        ),
        id_label=t("training.desk.id_card") if person else t("training.desk.licence"),
        id_number=wire.id_number,
        mobile=wire.mobile,
        contact=wire.contact,
        item=wire.item,
    )


def report_from(wire: TraineeReportOut) -> TraineeReport:
    english = current_language() == "en"
    return TraineeReport(
        scenario=wire.scenario,
        title=wire.title_en if english and wire.title_en else wire.title,
        trainee=wire.trainee,
        cases=[
            CaseResult(
                **as_is(case),
                missed=[t(miss.key, **miss.params) for miss in case.missed],
                points=list(case.points),
            )
            for case in wire.cases
        ],
    )


class ClassroomTraining:
    """TrainingControl for a trainee whose scenario runs on the classroom's central."""

    def __init__(
        self,
        client: CentralClient,
        place: TraineePlace,
        on_desk: Callable[[int], None] = lambda _ticket_id: None,
    ) -> None:
        self.client = client
        self.place = place
        self.on_desk = on_desk
        self._desks: dict[int, Desk | None] = {}
        self._asked: set[int] = set()
        self._keys: list[datetime] = []
        # A batch sent but not answered, with its Idempotency-Key: sent again as it was, under
        # the same key, so a batch that did arrive is not counted twice.
        self._unanswered: tuple[str, list[datetime]] | None = None
        self._sender: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def has_scenario(self) -> bool:
        return self.place.scenario is not None

    # --- the desk --------------------------------------------------------------------------------

    def desk(self, ticket_id: int | None) -> Desk | None:
        if not ticket_id:
            return None
        if ticket_id not in self._desks:
            self.fetch_desk(ticket_id)
        return self._desks.get(ticket_id)

    def fetch_desk(self, ticket_id: int) -> None:
        """Ask for the papers of this ticket once (the call-next answer is the moment)."""
        if ticket_id in self._asked:
            return
        self._asked.add(ticket_id)
        task = asyncio.get_running_loop().create_task(self._fetch(ticket_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fetch(self, ticket_id: int) -> None:
        try:
            found: Desk | None = desk_from(await api.desk(self.client, ticket_id))
        except errors.NotFound:
            found = None  # a citizen the classroom knows nothing about: no desk
        except errors.CentralError:
            self._asked.discard(ticket_id)  # the next redraw asks again
            return
        self._desks[ticket_id] = found
        if found is not None:
            self.on_desk(ticket_id)

    # --- keys and the report -----------------------------------------------------------------

    def key_pressed(self, when: datetime | None = None) -> None:
        if not self.has_scenario:
            return
        self._keys.append(when or datetime.now(timezone.utc))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.get_running_loop().create_task(self._send_later())

    async def _send_later(self) -> None:
        await asyncio.sleep(KEYS_AFTER_S)
        await self.send_keys()

    async def send_keys(self) -> None:
        if self._unanswered is None and self._keys:
            self._unanswered = (uuid.uuid4().hex, self._keys)
            self._keys = []
        while self._unanswered is not None:
            key, keys = self._unanswered
            try:
                await api.send_keys(self.client, KeyTimes(times=keys), key)
            except (errors.Unreachable, errors.Timeout, errors.ServerError):
                return  # maybe counted, maybe not: the next send repeats it under its key
            except errors.CentralError:
                pass  # refused: it was not counted, and would not be another time
            self._unanswered = None
            if self._keys:  # pressed meanwhile: the next batch
                self._unanswered = (uuid.uuid4().hex, self._keys)
                self._keys = []

    async def report(self, trainee: str = "") -> TraineeReport:
        await self.send_keys()
        return report_from(await api.my_report(self.client))

    async def restart(self) -> None:
        self.place = await api.restart(self.client, self.place.staff_no)
        self._desks.clear()
        self._asked.clear()

    async def aclose(self) -> None:
        with contextlib.suppress(errors.CentralError):
            await self.send_keys()
        for task in [*self._tasks, self._sender]:
            if task is not None:
                task.cancel()


# --- the trainer's view: `counter report trainees` --------------------------------------------


def classroom_text(view: ClassroomReports) -> str:
    """Every trainee (window, scenario) and then each report, as the terminal's text."""
    lines = [t("classroom.reports_head", n=len(view.trainees), reports=len(view.reports))]
    english = current_language() == "en"
    for place in view.trainees:
        title = place.title_en if english and place.title_en else place.title
        lines.append(
            t(
                "classroom.trainee_row",
                staff_no=place.staff_no,
                name=place.name,
                window=place.window,
                scenario=title or t("classroom.no_scenario"),
            )
        )
    for wire in view.reports:
        lines.append("")
        lines.append(render_text(report_from(wire)).rstrip("\n"))
    return "\n".join(lines) + "\n"


def classroom_csv(view: ClassroomReports) -> str:
    """One table for the class: the report's columns after the trainee's staff number."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("staff_no", "trainee", "scenario", *CSV_FIELDS))
    for wire in view.reports:
        rows = list(csv.reader(io.StringIO(render_csv(report_from(wire)))))[1:]
        for row in rows:
            writer.writerow((wire.staff_no, wire.trainee, wire.scenario, *row))
    return out.getvalue()


async def trainees_report(client: CentralClient, path: Path | None) -> int:
    """Print every trainee's report (and write the class's CSV to `path`); exit code."""
    try:
        view = await api.classroom(client)
    except errors.NotFound:
        print(t("cli.error", message=t("classroom.no_classroom")), file=sys.stderr)
        return 1
    sys.stdout.write(classroom_text(view))
    if path is not None:
        try:
            path.write_text(classroom_csv(view), encoding="utf-8-sig")
        except OSError as error:
            message = t("report.cannot_write", path=path, reason=error.strerror or error)
            print(t("cli.error", message=message), file=sys.stderr)
            return 1
    return 0
