"""`counter demo`: a whole hall on this machine, for training.

build_demo() creates the central app in-process on a fresh SQLite database in a temporary
directory, seeded with the demo hall, and connects a CentralClient to it through the streaming
ASGI transport: the same client code path as production, and no network at all, so a demo can
never touch a real central API. The simulator (counter.demo.simulator) makes the hall alive.

The server parts (FastAPI, SQLAlchemy) are imported inside build_demo only: importing this
module stays as light as the rest of the terminal's start-up path.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from client.api import CentralClient
from client.hall_time import HALL_TZ, hall_now
from counter.core.demo_account import DemoAccount
from counter.core.desk import Desk

if TYPE_CHECKING:
    from counter.core.trainee_report import TraineeReport
    from counter.demo.citizens import Bag
    from counter.demo.rating_simulator import RatingSimulator
    from counter.demo.scenario import Scenario
    from counter.demo.sim_time import SimTime
    from counter.demo.simulator import HallSimulator
    from counter.demo.training import Training

DEMO_URL = "http://demo.local"
DEMO_PASSWORD = "counter"
# The trainee's window: colleagues never sign on there.
TRAINEE_WINDOW = 1
# `counter demo --as clerk|supervisor` signs in as these.
DEMO_LOGINS: dict[str, str] = {"clerk": "1001", "supervisor": "2001"}
# A sign-in lasts this many simulated hours (a real hall's day), however fast the demo runs.
TOKEN_HOURS = 12
# The supervisor's demo starts with this many days of history, this many services a day.
HISTORY_DAYS = 30
HISTORY_PER_DAY = 20
HISTORY_AFTER_S = 0.5  # seconds after start: the supervisor's login goes first
HISTORY_PAUSE_S = 0.02  # between days, so the live hall's requests get the database too


def said(bag: Bag) -> str:
    """What a simulated citizen says, in the terminal's language."""
    if not bag.says_key:
        return bag.says
    from counter.core.i18n import t

    return t(f"training.desk.said.{bag.says_key}", item=bag.says_item)


class DemoHall:
    """A running demo hall: `client` talks to it; `aclose()` stops it and deletes its data."""

    def __init__(
        self,
        *,
        app: Any,
        transport: Any,
        accounts: list[DemoAccount],
        tempdir: Path,
        db_path: Path,
        seed: int,
        simulator: HallSimulator | None,
        raters: RatingSimulator | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.app = app
        self._clock = clock
        self.transport = transport
        self.accounts = accounts
        self.db_path = db_path
        self.seed = seed
        self.simulator = simulator
        self.raters = raters
        self.client = self.new_client()
        self._tempdir = tempdir
        self._started = False
        self._closed = False
        # `counter demo --as supervisor`: days of history written in the background at start.
        self.history_days = 0
        self.history_done = asyncio.Event()
        self.speed = simulator.speed if simulator is not None else 1.0
        self._watcher: asyncio.Task[None] | None = None
        # A training scenario (counter demo --scenario): its citizens, the report at the end.
        self.training: Training | None = None
        self.report_path: Path | None = None
        self.report_files: tuple[Path, Path] | None = None
        self.report_error: str | None = None
        # Even if aclose() is never reached (a crash), the temporary hall does not stay behind.
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(tempdir), True)

    def remove_files(self) -> None:
        """Delete the temporary hall now; safe to call twice (a finalizer runs once)."""
        self._cleanup()

    def now(self) -> datetime:
        """The hall's clock, as its central stamps tickets by it: in a living demo the simulated
        hall's (speed times the wall, still while paused), else the wall's."""
        if self._clock is not None:
            return self._clock().astimezone(HALL_TZ)
        return hall_now()

    def new_client(self) -> CentralClient:
        """Another client of this hall (the simulator's actors, a second test user)."""
        return CentralClient(DEMO_URL, transport=self.transport)

    def account(self, staff_no: str) -> DemoAccount:
        for account in self.accounts:
            if account.staff_no == staff_no:
                return account
        raise KeyError(staff_no)

    def login_for(self, role: str) -> tuple[str, str]:
        """(staff_no, password) of the demo's clerk or supervisor."""
        account = self.account(DEMO_LOGINS[role])
        return account.staff_no, account.password

    async def start(self) -> None:
        """Start the simulated hall (if any); calling it again does nothing."""
        if self._started or self._closed:
            return
        self._started = True
        if self.training is not None:
            await self.training.start()
        if self.simulator is not None:
            await self.simulator.start()
        if self.raters is not None:
            await self.raters.start()
        self._watcher = asyncio.create_task(self._watch(), name="demo-watch")

    async def _watch(self) -> None:
        """What the served central's lifespan does (this in-process one never runs it): the
        alert check, every few seconds of demo time; first the history, when asked for."""
        from central.alert_watch import check_now
        from central.deadline_watch import check_now as check_deadlines

        store = self.app.state.store
        if self.history_days:
            from central.demo_history import seed_history
            from central.hall_time import service_day

            today = service_day(store.now())
            await asyncio.sleep(HISTORY_AFTER_S)  # the supervisor's login goes first
            await asyncio.to_thread(
                seed_history, self.app, today, self.history_days, HISTORY_PER_DAY, self.seed,
                HISTORY_PAUSE_S,
            )  # fmt: skip
        self.history_done.set()
        interval = max(2.0, store.settings.alert_check_s / max(self.speed, 0.1))
        while True:
            # A failed check must not end the demo; the next one tries again. The ledger's
            # deadline check first: an escalation due soon or overdue is an alert too.
            with contextlib.suppress(Exception):
                await asyncio.to_thread(check_deadlines, store, self.app.state.reference)
            with contextlib.suppress(Exception):
                await asyncio.to_thread(check_now, store)
            await asyncio.sleep(interval)

    def use_scenario(self, scenario: Scenario, report_path: Path | None = None) -> None:
        """Run `scenario` at the trainee's window (before start()); the report goes to
        report_path (.txt and .csv) when the hall closes."""
        from counter.demo.training import Training

        self.training = Training(scenario, self.new_client, self.accounts)
        self.report_path = report_path

    async def trainee_report(self, trainee: str = "") -> TraineeReport | None:
        return await self.training.report(trainee) if self.training is not None else None

    async def _write_report(self) -> None:
        from counter.core.trainee_report import write

        if self.training is None or self.report_path is None or not self.training.started:
            return
        try:
            report = await self.training.report()
            self.report_files = await asyncio.to_thread(write, report, self.report_path)
        except Exception as exc:  # the report must not keep the demo from closing
            self.report_error = str(exc) or type(exc).__name__

    def desk(self, ticket_id: int | None) -> Desk | None:
        """A simulated citizen's papers at the trainee's window (outside a scenario)."""
        if self.simulator is None or ticket_id not in self.simulator.bags:
            return None
        number, bag = self.simulator.bags[ticket_id]
        from counter.core.i18n import t

        return Desk(
            citizen=bag.name,
            ticket_number=number,
            says=said(bag),
            documents=bag.documents,
            id_label=t("training.desk.id_card"),
            id_number=bag.id_number,
            item=self.simulator.item_said(bag),
        )

    # --- the trainer's keys -------------------------------------------------------------------

    def toggle_pause(self) -> bool:
        """Pause the simulated hall, or resume it; True when it is now paused."""
        if self.simulator is None:
            return False
        clock = self.simulator.time
        if clock.paused:
            clock.resume()
            return False
        clock.pause()
        return True

    async def issue_ticket(self, queue: str) -> str:
        """A citizen takes a ticket in `queue` (as the kiosk); the ticket's number."""
        client = self.new_client()
        try:
            kiosk = self.account("kiosk01")
            await client.login(kiosk.staff_no, kiosk.password)
            return (await client.issue_ticket(queue.strip().upper())).number
        finally:
            await client.aclose()

    async def free_window(self, no: int) -> None:
        """Make sure no simulated colleague works at window `no` (the trainee signs on there)."""
        if self.simulator is not None:
            await self.simulator.release_window(no)

    async def aclose(self) -> None:
        """Stop the simulator, close the clients, delete the database; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        await self._write_report()
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(BaseException):
                await self._watcher
        if self.raters is not None:
            await self.raters.aclose()
            judge = self.raters.judge
            if isinstance(judge, _Judge) and judge.client is not None:
                with contextlib.suppress(Exception):
                    await judge.client.aclose()
        if self.simulator is not None:
            await self.simulator.aclose()
        with contextlib.suppress(Exception):
            await self.client.aclose()
        # Let SQLite go before its directory is removed (the app's lifespan never ran here).
        store = getattr(getattr(self.app, "state", None), "store", None)
        dispose = getattr(getattr(store, "engine", None), "dispose", None)
        if callable(dispose):
            with contextlib.suppress(Exception):
                dispose()
        self._cleanup()


class _Judge:
    """Was a simulated citizen's matter decided wrongly? Their case (found by the ID number in
    their bag and the ticket) against what the rules allow for their papers."""

    def __init__(
        self, new_client: Callable[[], CentralClient], simulator: HallSimulator, accounts: Any
    ) -> None:
        self.new_client = new_client
        self.simulator = simulator
        self.trainer = next(a for a in accounts if a.staff_no == DEMO_LOGINS["supervisor"])
        self.client: CentralClient | None = None

    async def __call__(self, ticket_id: int) -> bool:
        from counter.demo.citizens import fitting

        found = self.simulator.bags.get(ticket_id)
        if found is None:
            return False
        bag = found[1]
        if self.client is None:
            self.client = self.new_client()
            await self.client.login(self.trainer.staff_no, self.trainer.password)
        from counter.demo.desk_work import corrected_id

        cases = await self.client.cases_for_applicant(corrected_id(bag.id_number))
        found_cases = [c for c in cases if c.ticket_id == ticket_id]
        decisions = [c.decision for c in found_cases]
        if ticket_id not in self.simulator.desk.decided and "notice" in decisions:
            # Turned away at a trainee's window: this citizen may come back too.
            self.simulator.desk.turned_away(found[0][:1], bag)
        return bool(decisions) and decisions[0] not in fitting(bag.flaw)


def _account(raw: dict[str, Any]) -> DemoAccount:
    window = raw.get("window")
    return DemoAccount(
        staff_no=str(raw["staff_no"]),
        name=str(raw.get("name", raw["staff_no"])),
        role=str(raw.get("role", "clerk")),
        password=str(raw.get("password", DEMO_PASSWORD)),
        window=int(window) if window is not None else None,
    )


def build_demo(
    seed: int = 1,
    workdir: Path | None = None,
    clock: Callable[[], datetime] | None = None,
    simulate: bool = True,
    *,
    speed: float = 1.0,
    exclude_windows: Iterable[int] = (),
    time: SimTime | None = None,
) -> DemoHall:
    """Build a demo hall (not yet started: `await hall.start()` inside the app's event loop).

    `seed` drives the simulation (the hall's data is always the packaged demo hall);
    `workdir` is where the temporary directory goes (default: the system's temp dir);
    `exclude_windows` are kept free of colleagues besides window 1 (e.g. the trainee's);
    `clock`: the central's clock (tests); by default a living hall's central runs on the
    simulated hall's time, so the waits and deadlines the trainee sees move at `speed`.
    Raises ImportError when the server parts are not installed.
    """
    from central.app import create_app
    from central.hall_seed import demo_accounts
    from central.settings import Settings
    from client.asgi import StreamingASGITransport

    tempdir = Path(tempfile.mkdtemp(prefix="counter-demo-", dir=workdir))
    try:
        db_path = tempdir / "demo.db"
        options: dict[str, Any] = {"db_path": str(db_path), "seed": "demo", "kdf_fast": True}
        if clock is None and simulate:
            clock, time = simulated_clock(speed, time)
            # A sign-in outlasts the trainee's session even at the demo's speed.
            options["token_ttl_s"] = int(TOKEN_HOURS * 3600 * max(1.0, speed))
        if clock is not None:
            options["clock"] = clock
        app = create_app(Settings(**options))
        transport = StreamingASGITransport(app)
        accounts = [_account(raw) for raw in demo_accounts()]
    except BaseException:
        shutil.rmtree(tempdir, ignore_errors=True)
        raise

    simulator: HallSimulator | None = None
    raters: RatingSimulator | None = None
    if simulate:
        from counter.demo.rating_simulator import RatingSimulator
        from counter.demo.simulator import HallSimulator

        def new_client() -> CentralClient:
            return CentralClient(DEMO_URL, transport=transport)

        simulator = HallSimulator(
            new_client,
            accounts,
            seed=seed,
            speed=speed,
            exclude_windows={TRAINEE_WINDOW, *exclude_windows},
            clock=clock,
            time=time,
        )
        # Citizens rate finished services on the pad a little later (pad01); one whose matter
        # was decided against the rules gives a 差评 more often.
        judge = _Judge(new_client, simulator, accounts)
        colleagues = simulator.colleague_windows
        raters = RatingSimulator(
            new_client, seed=seed, speed=speed, judge=judge, time=simulator.time,
            skip_window=lambda no: no in colleagues(),
        )  # fmt: skip
        simulator.on_finished = raters.rate_later
    return DemoHall(
        app=app,
        transport=transport,
        accounts=accounts,
        tempdir=tempdir,
        db_path=db_path,
        seed=seed,
        simulator=simulator,
        raters=raters,
        clock=clock,
    )


def simulated_clock(
    speed: float, time: SimTime | None = None
) -> tuple[Callable[[], datetime], SimTime]:
    """The simulated hall's wall clock: it opens now and runs on `time` (made if not given)."""
    from datetime import timedelta, timezone

    from counter.demo.sim_time import SimTime

    clock_time = time or SimTime(speed)
    opened = datetime.now(timezone.utc)

    def clock() -> datetime:
        return opened + timedelta(seconds=clock_time.now_s())

    return clock, clock_time
