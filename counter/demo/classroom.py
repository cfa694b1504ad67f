"""A classroom: `counter serve --demo` hosts one simulated hall for every trainee's terminal.

The central is the ordinary one (served over HTTP); the simulated hall runs inside the server
process, its actors talking to the same app in-process (the streaming ASGI transport), exactly
as in `counter demo`. Each trainee signs in from their own terminal (`counter --url`) with a
demo clerk account; no simulated colleague works at a trainee's window. A trainee may have a
scenario of their own: its citizens take tickets that wait for that trainee's window only, and
the trainer (the demo supervisor) reads every trainee's report (`counter report trainees`).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from client.api import CentralClient
from client.training_models import (
    CaseResultOut,
    DeskDocumentOut,
    DeskOut,
    Miss,
    TraineePlace,
    TraineeReportOut,
)
from counter.core.demo_account import DemoAccount
from counter.core.i18n import catalog
from counter.core.trainee_report import Missed, TraineeReport, as_is
from counter.demo.citizens import Bag
from counter.demo.hall import DEMO_LOGINS, DEMO_URL, _Judge
from counter.demo.scenario import Scenario
from counter.demo.training import Training

if TYPE_CHECKING:
    from counter.demo.rating_simulator import RatingSimulator
    from counter.demo.simulator import HallSimulator

# The clerks whose windows are the general windows of the demo hall: the default classroom.
DEFAULT_TRAINEES = ("1001", "1002", "1003")


@dataclass
class Trainee:
    account: DemoAccount
    window: int
    training: Training | None = None
    pending_keys: list[Any] = field(default_factory=list)

    def place(self) -> TraineePlace:
        training = self.training
        scenario = training.scenario if training is not None else None
        return TraineePlace(
            staff_no=self.account.staff_no,
            name=self.account.name,
            window=self.window,
            scenario=scenario.name if scenario is not None else None,
            title=scenario.title if scenario is not None else "",
            title_en=scenario.title_en if scenario is not None else "",
            citizens=len(scenario.citizens) if scenario is not None else 0,
        )


def report_out(trainee: Trainee, report: TraineeReport, scenario: Scenario) -> TraineeReportOut:
    """A report for the wire: misses as catalog keys, so each terminal says them in its own
    language (the grading speaks the server's)."""

    def miss(said: str) -> Miss:
        if isinstance(said, Missed):
            return Miss(key=said.key, params=said.params)
        return Miss(key="training.miss.other", params={"what": said})

    return TraineeReportOut(
        staff_no=trainee.account.staff_no,
        trainee=trainee.account.name,
        window=trainee.window,
        scenario=scenario.name,
        title=scenario.title,
        title_en=scenario.title_en,
        cases=[
            CaseResultOut(**as_is(case), missed=[miss(m) for m in case.missed], points=case.points)
            for case in report.cases
        ],
    )


def said_in_english(bag: Bag) -> str:
    """A returning citizen's words for an English terminal (the wire carries both languages;
    each terminal picks its own, as with a scenario's says_en)."""
    if not bag.says_key:
        return ""
    return catalog("en")[f"training.desk.said.{bag.says_key}"].format(item=bag.says_item)


class Classroom:
    """The simulated hall and every trainee's scenario, inside one served central."""

    def __init__(
        self,
        app: Any,
        *,
        seed: int,
        speed: float,
        trainees: list[str],
        accounts: list[DemoAccount],
        simulate: bool = True,
    ) -> None:
        from client.asgi import StreamingASGITransport

        self.app = app
        self.seed = seed
        self.speed = speed
        self.accounts = accounts
        self.transport = StreamingASGITransport(app)
        self.trainees: dict[str, Trainee] = {}
        for staff_no in trainees:
            account = next((a for a in accounts if a.staff_no == staff_no), None)
            if account is None or account.role != "clerk" or account.window is None:
                raise ValueError(f"{staff_no} is not a clerk of the demo hall with a window")
            self.trainees[staff_no] = Trainee(account, account.window)
        # Earlier visits of a scenario's returning citizen are recorded by a clerk who is no
        # trainee (the last clerk of the hall's list).
        others = [a for a in accounts if a.role == "clerk" and a.staff_no not in self.trainees]
        self.colleague = others[-1].staff_no if others else DEMO_LOGINS["clerk"]
        self.simulator: HallSimulator | None = None
        self.raters: RatingSimulator | None = None
        self._judge: _Judge | None = None
        if simulate:
            self._simulate()
        self._lock = asyncio.Lock()
        # Held while a POST with an Idempotency-Key runs (counter.demo.classroom_routes).
        self.keys_lock = asyncio.Lock()

    def new_client(self) -> CentralClient:
        return CentralClient(DEMO_URL, transport=self.transport)

    def _simulate(self) -> None:
        from counter.demo.rating_simulator import RatingSimulator
        from counter.demo.simulator import HallSimulator

        windows = {trainee.window for trainee in self.trainees.values()}
        self.simulator = HallSimulator(
            self.new_client,
            self.accounts,
            seed=self.seed,
            speed=self.speed,
            exclude_windows=windows,
            clock=self.app.state.settings.clock,
        )
        self._judge = _Judge(self.new_client, self.simulator, self.accounts)
        colleagues = self.simulator.colleague_windows
        self.raters = RatingSimulator(
            self.new_client, seed=self.seed, speed=self.speed, judge=self._judge,
            time=self.simulator.time, skip_window=lambda no: no in colleagues(),
        )  # fmt: skip
        self.simulator.on_finished = self.raters.rate_later

    def assign_now(self, staff_no: str, scenario: Scenario) -> Trainee:
        """Give a trainee a scenario (before start(); its citizens take tickets at start)."""
        trainee = self.trainees[staff_no]
        trainee.training = Training(
            scenario,
            self.new_client,
            self.accounts,
            window=trainee.window,
            colleague=self.colleague,
        )
        return trainee

    async def assign(self, staff_no: str, scenario: Scenario) -> Trainee:
        """The trainer gives a trainee a scenario now: a scenario they had is left as it is (its
        waiting tickets cancelled), the new one's citizens take their tickets."""
        async with self._lock:
            old = self.trainees[staff_no].training
            if old is not None and old.started:
                with contextlib.suppress(Exception):
                    await old.cancel_waiting()
            trainee = self.assign_now(staff_no, scenario)
            assert trainee.training is not None
            await trainee.training.start()
            return trainee

    async def restart(self, staff_no: str) -> Trainee:
        trainee = self.trainees[staff_no]
        async with self._lock:
            if trainee.training is not None:
                await trainee.training.restart()
        return trainee

    async def start(self) -> None:
        for trainee in self.trainees.values():
            if trainee.training is not None:
                await trainee.training.start()
        if self.simulator is not None:
            await self.simulator.start()
        if self.raters is not None:
            await self.raters.start()

    async def aclose(self) -> None:
        if self.raters is not None:
            await self.raters.aclose()
        if self._judge is not None and self._judge.client is not None:
            with contextlib.suppress(Exception):
                await self._judge.client.aclose()
        if self.simulator is not None:
            await self.simulator.aclose()

    # --- what the routes ask --------------------------------------------------------------------

    def desk(self, ticket_id: int) -> DeskOut | None:
        for trainee in self.trainees.values():
            found = trainee.training.citizen_of(ticket_id) if trainee.training else None
            if found is not None:
                citizen, ticket = found
                person = citizen.applicant == "person"
                return DeskOut(
                    ticket_id=ticket.id,
                    ticket_number=ticket.number,
                    citizen=citizen.name,
                    applicant="person" if person else "enterprise",
                    says=citizen.says,
                    says_en=citizen.says_en,
                    documents=[DeskDocumentOut(**vars(d)) for d in citizen.documents],
                    id_number=citizen.id_number if person else citizen.uscc,
                    mobile=citizen.mobile,
                    contact=citizen.contact,
                )
        if self.simulator is None or ticket_id not in self.simulator.bags:
            return None
        number, bag = self.simulator.bags[ticket_id]
        return DeskOut(
            ticket_id=ticket_id,
            ticket_number=number,
            citizen=bag.name,
            says=bag.says,
            says_en=said_in_english(bag),
            documents=[DeskDocumentOut(**vars(d)) for d in bag.documents],
            id_number=bag.id_number,
            item=self.simulator.item_said(bag),
        )

    async def report(self, trainee: Trainee) -> TraineeReportOut | None:
        training = trainee.training
        if training is None:
            return None
        report = await training.report(trainee.account.name)
        return report_out(trainee, report, training.scenario)
