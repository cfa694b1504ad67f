"""Wire models of a classroom (`counter serve --demo`): the trainee's place in it, what the
scripted or simulated citizen at their window hands over, and the trainee report.

Texts a terminal shows in its own language travel as codes: a miss as its catalog key and
parameters, the applicant's kind instead of a label, a scenario's title in both languages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from client.models import Wire


class TraineePlace(Wire):
    """A trainee of the classroom: their window and the scenario assigned to them (if any)."""

    staff_no: str
    name: str
    window: int
    scenario: str | None = Field(default=None, description="the scenario's name, or none")
    title: str = ""
    title_en: str = ""
    citizens: int = Field(default=0, description="scripted citizens in the scenario")


class DeskDocumentOut(Wire):
    material: str
    form: str = "原件"
    note: str = ""
    note_key: str = ""  # a note the simulation wrote: its catalog key, so each terminal says it
    note_value: str = ""
    note_en: str = ""


class DeskOut(Wire):
    """What the citizen with this ticket hands over at the window."""

    ticket_id: int
    ticket_number: str
    citizen: str
    applicant: Literal["person", "enterprise"] = "person"
    says: str = ""
    says_en: str = ""
    documents: list[DeskDocumentOut] = Field(default_factory=list)
    id_number: str = ""
    mobile: str = ""
    contact: str = ""
    item: str = Field(default="", description="the item code a simulated citizen asks for")


class KeyTimes(Wire):
    """Keys the trainee pressed (when), for the report's keys per case."""

    times: list[datetime] = Field(max_length=2000)


class Miss(Wire):
    """One thing the trainee missed: a catalog key and its parameters."""

    key: str
    params: dict[str, str] = Field(default_factory=dict)


class CaseResultOut(Wire):
    index: int
    citizen: str
    ticket_number: str
    item: str
    expected: str
    taken: str
    missed: list[Miss] = Field(default_factory=list)
    points: list[str] = Field(default_factory=list)
    seconds: float | None = None
    keys: int = 0


class TraineeReportOut(Wire):
    staff_no: str
    trainee: str
    window: int
    scenario: str
    title: str
    title_en: str = ""
    cases: list[CaseResultOut] = Field(default_factory=list)


class ScenarioChoice(Wire):
    scenario: str = Field(min_length=1, max_length=200, description="a shipped scenario's name")


class ClassroomReports(Wire):
    """The trainer's view: every trainee's place, and the report of those with a scenario."""

    trainees: list[TraineePlace]
    reports: list[TraineeReportOut]
