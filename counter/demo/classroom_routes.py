"""The classroom's routes, under /v1/training (added to the central by `counter serve --demo`).

GET  /v1/training/me                         a trainee's window and scenario (404: no trainee)
GET  /v1/training/desk/{ticket_id}           what that citizen hands over (404: nothing known)
POST /v1/training/keys                       keys the trainee pressed, for the report
GET  /v1/training/report                     the trainee's own report
POST /v1/training/trainees/{no}/restart      the scenario again (the trainee, or the trainer)
POST /v1/training/trainees/{no}/scenario     trainer: give a trainee a scenario now
GET  /v1/training/trainees                   trainer: every trainee and every report

Every POST honours its Idempotency-Key as the central's own do: a repeat (a retry after a lost
answer) gets the first answer, and the step is not taken again — a restart restarts once, a
batch of keys counts once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from central import idempotency
from central.deps import HallStaff, Idempotent, IdempotentRun, Supervisor
from central.errors import ACTION, Conflict, Forbidden, NotFound, require_text
from client.training_models import (
    ClassroomReports,
    DeskOut,
    KeyTimes,
    ScenarioChoice,
    TraineePlace,
    TraineeReportOut,
)
from counter.demo.classroom import Classroom, Trainee
from counter.demo.scenario import ScenarioError, load, shipped

router = APIRouter(prefix="/v1/training", tags=["training"])


def _classroom(request: Request) -> Classroom:
    classroom: Classroom = request.app.state.classroom
    return classroom


def _trainee(classroom: Classroom, staff_no: str) -> Trainee:
    trainee = classroom.trainees.get(staff_no)
    if trainee is None:
        raise NotFound(
            f"{staff_no} is no trainee of this classroom.",
            reason="not_a_trainee",
            params={"staff_no": staff_no},
        )
    return trainee


async def _once(
    request: Request,
    run: IdempotentRun,
    body: BaseModel | None,
    step: Callable[[], Awaitable[BaseModel]],
) -> Response:
    """`step` once per Idempotency-Key. A classroom step changes the simulated hall (tickets
    issued through its clients, a scenario's state), not one transaction, so the first answer
    is kept under the key after the step, in the hall's idempotency table like every POST's; the
    classroom's one lock holds a repeat that arrives while the first still runs."""
    store, actor, key = run.store, run.actor, run.key
    if key is None:
        model = await step()
        return Response(model.model_dump_json(), media_type="application/json")
    require_text("Idempotency-Key", key)
    printed = idempotency.fingerprint("POST", request.url.path, body)
    async with _classroom(request).keys_lock:
        replay = idempotency.replay
        replayed = await anyio.to_thread.run_sync(replay, store, actor, key, printed, None)
        if replayed is not None:
            return replayed
        model = await step()

        def keep(_conn: object) -> tuple[int, BaseModel]:
            return 200, model

        outcome = await store.on_writer(idempotency.write, store, actor, key, printed, keep)
    return idempotency.answer(store, outcome, None)


@router.get("/me", response_model=TraineePlace, responses=ACTION)
def my_place(request: Request, actor: HallStaff) -> TraineePlace:
    return _trainee(_classroom(request), actor.staff_no).place()


@router.get("/desk/{ticket_id}", response_model=DeskOut, responses=ACTION)
def desk(request: Request, ticket_id: int, actor: HallStaff) -> DeskOut:
    found = _classroom(request).desk(ticket_id)
    if found is None:
        raise NotFound(
            f"Nothing is known about the papers of ticket {ticket_id}.",
            reason="no_desk",
            params={"ticket_id": ticket_id},
        )
    return found


@router.post("/keys", response_model=TraineePlace, responses=ACTION)
async def keys(request: Request, body: KeyTimes, actor: HallStaff, run: Idempotent) -> Response:
    trainee = _trainee(_classroom(request), actor.staff_no)

    async def count() -> TraineePlace:
        if trainee.training is not None:
            trainee.training.key_times.extend(body.times)
        return trainee.place()

    return await _once(request, run, body, count)


@router.get("/report", response_model=TraineeReportOut, responses=ACTION)
async def my_report(request: Request, actor: HallStaff) -> TraineeReportOut | Response:
    classroom = _classroom(request)
    report = await classroom.report(_trainee(classroom, actor.staff_no))
    if report is None:
        raise NotFound(
            "No scenario is assigned to you; the trainer assigns one.", reason="no_scenario"
        )
    return report


@router.post("/trainees/{staff_no}/restart", response_model=TraineePlace, responses=ACTION)
async def restart(request: Request, staff_no: str, actor: HallStaff, run: Idempotent) -> Response:
    if actor.staff_no != staff_no and not actor.is_supervisor:
        raise Forbidden(
            "Only the trainer restarts another trainee's scenario.", reason="trainer_only"
        )
    classroom = _classroom(request)
    trainee = _trainee(classroom, staff_no)
    if trainee.training is None:
        raise Conflict("No scenario is assigned to this trainee.", reason="no_scenario")

    async def again() -> TraineePlace:
        return (await classroom.restart(staff_no)).place()

    return await _once(request, run, None, again)


@router.post("/trainees/{staff_no}/scenario", response_model=TraineePlace, responses=ACTION)
async def assign(
    request: Request, staff_no: str, body: ScenarioChoice, actor: Supervisor, run: Idempotent
) -> Response:
    classroom = _classroom(request)
    _trainee(classroom, staff_no)
    if body.scenario not in shipped():  # a file on the server's disk is not the trainer's to name
        raise NotFound(
            f"There is no shipped scenario {body.scenario!r}.",
            reason="no_such_scenario",
            params={"scenario": body.scenario, "known": ", ".join(shipped())},
        )
    try:
        scenario = load(body.scenario)
    except ScenarioError as exc:
        raise Conflict(str(exc), reason="bad_scenario", params={"reason": str(exc)}) from exc

    async def give() -> TraineePlace:
        return (await classroom.assign(staff_no, scenario)).place()

    return await _once(request, run, body, give)


@router.get("/trainees", response_model=ClassroomReports, responses=ACTION)
async def trainees(request: Request, actor: Supervisor) -> ClassroomReports:
    classroom = _classroom(request)
    places = [trainee.place() for trainee in classroom.trainees.values()]
    reports = []
    for trainee in classroom.trainees.values():
        report = await classroom.report(trainee)
        if report is not None:
            reports.append(report)
    return ClassroomReports(trainees=places, reports=reports)
