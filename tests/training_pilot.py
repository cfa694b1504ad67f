"""Helpers of the training tests: a demo hall running a scenario, the App on it, and the moves a
trainee makes at window 1 (call, start, intake, finish), all through real keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from counter.app import CounterApp, make_app
from counter.core.config import Config
from counter.core.trainee_report import TraineeReport
from counter.demo import DemoHall, build_demo
from counter.demo.scenario import load
from screens.counter import CounterScreen
from screens.intake import IntakeScreen
from tests.pilot import SIZE, sign_in, until


@asynccontextmanager
async def scenario_hall(tmp_path: Path, name: str) -> AsyncIterator[DemoHall]:
    hall = build_demo(workdir=tmp_path, simulate=False)
    hall.use_scenario(load(name), tmp_path / "report")
    try:
        yield hall
    finally:
        await hall.aclose()


def classroom_on(app: Any) -> Any:
    """The classroom `counter serve --demo --quiet --trainees 1001,1002 --assign
    1001=green-channel` makes of this central app (its routes, its lifespan)."""
    from counter.demo.classroom_app import make_classroom

    return make_classroom(
        app,
        seed=1,
        speed=1.0,
        trainees=["1001", "1002"],
        assignments={"1001": load("green-channel")},
        simulate=False,
    )


def trainee_app(hall: DemoHall, lang: str = "zh") -> CounterApp:
    return make_app(client=hall.client, config=Config(lang=lang, window=1), demo=hall)


async def ready(pilot: Any, app: CounterApp, hall: DemoHall) -> None:
    await sign_in(pilot, app, "1001")
    training = hall.training
    assert training is not None
    count = len(training.scenario.citizens)
    await until(pilot, lambda: len(training.tickets) == count, "the scenario's tickets")


async def call_and_open(pilot: Any, app: CounterApp) -> IntakeScreen:
    """F2 (call next), Enter (the citizen is here), F5 (the intake), the catalog loaded."""
    await pilot.press("f2")
    await until(pilot, lambda: app.session.current is not None, "the call")
    await pilot.press("enter")
    await until(pilot, lambda: app.session.can("finish"), "service to start")
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(app.screen, IntakeScreen), "the intake")
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    await until(pilot, lambda: screen.loaded is not None, "the catalog")
    return screen


async def item_and_person(
    pilot: Any, screen: IntakeScreen, code: str, name: str, number: str, mobile: str
) -> None:
    await pilot.press(*code)
    await until(pilot, lambda: screen.query_one("ItemSearch").results != [], "results")  # type: ignore[attr-defined]
    await pilot.press("enter")
    await until(pilot, lambda: screen.state.step == "applicant", "the applicant step")
    await pilot.press(*name, "tab", "tab", *number, "tab", *mobile, "enter")
    await until(pilot, lambda: screen.state.step == "checklist", "the checklist")


async def store_and_finish(pilot: Any, app: CounterApp, screen: IntakeScreen) -> None:
    """From the decision step: Enter stores the case, Enter leaves the document, F8 finishes."""
    await pilot.press("enter")
    await until(pilot, lambda: screen.case is not None, "the case stored")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CounterScreen), "back at the counter")
    await pilot.press("f8")
    await until(pilot, lambda: app.session.current is None, "the ticket finished")


async def report_of(hall: DemoHall) -> TraineeReport:
    report = await hall.trainee_report()
    assert report is not None
    return report


__all__ = ["SIZE"]


async def applicant_filled(
    pilot: Any,
    screen: IntakeScreen,
    code: str,
    name: str,
    number: str,
    mobile: str,
    *,
    enterprise_contact: str = "",
) -> None:
    """The item by keys; the applicant's fields filled at once (the bus-card test types them
    key by key), then Enter: these tests are about the checklist and the decision."""
    from textual.widgets import Input, Select

    await pilot.press(*code)
    await until(pilot, lambda: screen.query_one("ItemSearch").results != [], "results")  # type: ignore[attr-defined]
    await pilot.press("enter")
    await until(pilot, lambda: screen.state.step == "applicant", "the applicant step")
    if enterprise_contact:
        screen.query_one("#f-kind", Select).value = "enterprise"
        await pilot.pause(0.05)
        screen.query_one("#f-uscc", Input).value = number
        screen.query_one("#f-contact", Input).value = enterprise_contact
    else:
        screen.query_one("#f-id_number", Input).value = number
    screen.query_one("#f-name", Input).value = name
    screen.query_one("#f-mobile", Input).value = mobile
    screen.query_one("#f-name", Input).focus()
    await pilot.pause(0.05)
    await pilot.press("enter")
    await until(pilot, lambda: screen.state.step == "checklist", "the checklist")
