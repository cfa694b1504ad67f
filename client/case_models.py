"""Wire models of a case taken at the general window (受理 / 容缺受理 / 一次性告知 / 不予受理)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from client.catalog_models import Delivery
from client.models import Wire
from client.validators import IdKind

ApplicantKind = Literal["person", "enterprise"]
# received 已收; missing 缺; tolerated 容缺 (supplied later); flawed 有误 (must be redone)
MaterialState = Literal["received", "missing", "tolerated", "flawed"]
# 受理 / 容缺受理 / 一次性告知 / 不予受理
Decision = Literal["accept", "tolerate", "notice", "refuse"]


class Agent(Wire):
    """代办人: someone acting for the applicant."""

    name: str = Field(min_length=1, max_length=64)
    id_kind: IdKind = "resident_id"
    id_number: str = Field(min_length=1, max_length=32)
    mobile: str = Field(default="", max_length=20)


class Applicant(Wire):
    kind: ApplicantKind
    name: str = Field(min_length=1, max_length=128, description="person or enterprise name")
    id_kind: IdKind | None = Field(default=None, description="for a person")
    id_number: str | None = Field(default=None, max_length=32, description="for a person")
    uscc: str | None = Field(default=None, max_length=18, description="统一社会信用代码")
    contact: str = Field(default="", max_length=64, description="enterprise contact person")
    mobile: str = Field(default="", max_length=20)
    agent: Agent | None = None


class ChecklistEntry(Wire):
    material: str = Field(description="the material's name as in the item's guide")
    state: MaterialState
    note: str = Field(default="", max_length=200, description="why missing or flawed, etc.")


class CaseRequest(Wire):
    item_code: str
    applicant: Applicant
    checklist: list[ChecklistEntry]
    decision: Decision
    ticket_id: int | None = None
    window_no: int | None = None
    delivery: Delivery = "window"
    address: str | None = Field(default=None, max_length=200, description="for delivery=post")
    commitment_date: date | None = Field(
        default=None, description="容缺受理: when the applicant brings what is missing"
    )
    refuse_reason: str | None = Field(default=None, max_length=500)
    refer_to: str | None = Field(default=None, max_length=200, description="where to go instead")


class Case(Wire):
    case_no: str = Field(description="办件编号")
    item_code: str
    item_name: str
    department_name: str
    decision: Decision
    created_at: datetime
    applicant: Applicant
    checklist: list[ChecklistEntry]
    due_date: date | None = Field(default=None, description="for accepted promised items")
    due_guessed: bool = Field(
        default=False, description="the due date fell in a year with no published calendar"
    )
    commitment_date: date | None = None
    delivery: Delivery = "window"
    address: str | None = None
    refuse_reason: str | None = None
    refer_to: str | None = None
    staff_no: str
    staff_name: str
    window_no: int | None = None
    ticket_id: int | None = None
    ticket_number: str | None = None


class DueDateAnswer(Wire):
    start: date
    working_days: int
    due: date
    guessed: bool
    guessed_years: list[int] = Field(default_factory=list)
