"""The classroom's routes, under /v1/training (added to the central by `counter serve --demo`).

GET  /v1/training/me                         a trainee's window and scenario (404: no trainee)
GET  /v1/training/desk/{ticket_id}           what that citizen hands over (404: nothing known)
POST /v1/training/keys                       keys the trainee pressed, for the report
GET  /v1/training/report                     the trainee's own report
POST /v1/training/trainees/{no}/restart      the scenario again (the trainee, or the trainer)
POST /v1/training/trainees/{no}/scenario     trainer: give a trainee a scenario now
GET  /v1/training/trainees                   trainer: every trainee and every report
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from central.deps import HallStaff, Supervisor
from central.errors import ACTION, Conflict, Forbidden, NotFound
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
def keys(request: Request, body: KeyTimes, actor: HallStaff) -> TraineePlace:
    trainee = _trainee(_classroom(request), actor.staff_no)
    if trainee.training is not None:
        trainee.training.key_times.extend(body.times)
    return trainee.place()


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
async def restart(request: Request, staff_no: str, actor: HallStaff) -> TraineePlace:
    if actor.staff_no != staff_no and not actor.is_supervisor:
        raise Forbidden(
            "Only the trainer restarts another trainee's scenario.", reason="trainer_only"
        )
    classroom = _classroom(request)
    trainee = _trainee(classroom, staff_no)
    if trainee.training is None:
        raise Conflict("No scenario is assigned to this trainee.", reason="no_scenario")
    return (await classroom.restart(staff_no)).place()


@router.post("/trainees/{staff_no}/scenario", response_model=TraineePlace, responses=ACTION)
async def assign(
    request: Request, staff_no: str, body: ScenarioChoice, actor: Supervisor
) -> TraineePlace:
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
    return (await classroom.assign(staff_no, scenario)).place()


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
