"""A classroom's calls on the central (`counter serve --demo`): the trainee's own place, the
papers on their desk, the keys they pressed, their report; the trainer's view of every trainee."""

from __future__ import annotations

from urllib.parse import quote

from client.api import CentralClient
from client.training_models import (
    ClassroomReports,
    DeskOut,
    KeyTimes,
    ScenarioChoice,
    TraineePlace,
    TraineeReportOut,
)


async def my_place(client: CentralClient) -> TraineePlace:
    """404 (NotFound) when this central is no classroom or the signed-in staff no trainee."""
    return await client._get("/v1/training/me", TraineePlace)


async def desk(client: CentralClient, ticket_id: int) -> DeskOut:
    return await client._get(f"/v1/training/desk/{ticket_id}", DeskOut)


async def send_keys(client: CentralClient, keys: KeyTimes, idempotency_key: str) -> TraineePlace:
    """One batch of keys under its own Idempotency-Key: a batch sent again after a lost answer
    (with the same key) is counted once."""
    return await client._post(
        "/v1/training/keys", TraineePlace, keys, idempotency_key=idempotency_key
    )


async def my_report(client: CentralClient) -> TraineeReportOut:
    return await client._get("/v1/training/report", TraineeReportOut)


async def restart(client: CentralClient, staff_no: str) -> TraineePlace:
    """The trainee's scenario from the start (the trainee themself, or the trainer). Pressed
    again after a lost answer, the same key goes: the scenario restarts once."""
    path = f"/v1/training/trainees/{quote(staff_no)}/restart"
    return await client._post(path, TraineePlace, kept=True)


async def assign(client: CentralClient, staff_no: str, scenario: str) -> TraineePlace:
    """Trainer: give this trainee this scenario (their scripted citizens take tickets now)."""
    body = ScenarioChoice(scenario=scenario)
    path = f"/v1/training/trainees/{quote(staff_no)}/scenario"
    return await client._post(path, TraineePlace, body, kept=True)


async def classroom(client: CentralClient) -> ClassroomReports:
    """Trainer: every trainee, and every report so far."""
    return await client._get("/v1/training/trainees", ClassroomReports)
