"""The wire format of ratings (好差评): a citizen's rating of one service, the 差评 review loop
(explain → verify → rectify) and the tallies (日统计、周、月汇总).

Levels: 非常满意 5, 满意 4, 基本满意 3, 不满意 2, 非常不满意 1; 2 and 1 are 差评.
Satisfaction rate (满意率) = (5 + 4 + 3) / rated. Defaults (默认评价: the locality's level given
to a service left unrated when the rating period ends) are counted apart from citizens' ratings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from client.models import Wire
from client.transitions import Transition
from client.wire_words import BAD_LEVELS as BAD_LEVELS
from client.wire_words import LEVELS as LEVELS
from client.wire_words import SATISFIED_LEVELS as SATISFIED_LEVELS

# Reason codes the rating pad offers (the pad shows the good ones for 5–3, the bad ones for 2–1).
RatingReason = Literal[
    "friendly",  # 服务热情
    "efficient",  # 办事高效
    "done_once",  # 一次办成
    "clear_guidance",  # 指引清楚
    "attitude",  # 态度不好
    "slow",  # 效率低、等候久
    "many_trips",  # 多次跑腿
    "unclear_materials",  # 材料要求不清
    "facilities",  # 环境设施差
    "other",  # 其他
]
# 评价器 at the window, 扫码 (QR code), the hall's app / web, SMS, 12345 hotline; "default" is
# never posted: it marks the locality's default level given when the rating period ends.
RatingChannel = Literal["pad", "qr", "app", "web", "sms", "hotline", "default"]
PostedChannel = Literal["pad", "qr", "app", "web", "sms", "hotline"]
# The 差评 loop: pending (待核实) → upheld (属实, rectification due) → rectified (已整改);
# or pending → unfounded (不属实) / mistaken (误评), which close it.
ReviewState = Literal["pending", "upheld", "rectified", "unfounded", "mistaken"]
Verdict = Literal["upheld", "unfounded", "mistaken"]
OPEN_STATES: tuple[ReviewState, ...] = ("pending", "upheld")
# The review steps (the same table shape as tickets' and escalations'). Explaining keeps the
# state; verifying leads to the verdict given.
REVIEW_STEPS: dict[str, Transition[ReviewState]] = {
    "explain": Transition(OPEN_STATES, None, "explained"),
    "verify": Transition(("pending",), None, "verified"),
    "rectify": Transition(("upheld",), "rectified", "rectified"),
}
TallyBy = Literal["day", "week", "month"]
TableGroup = Literal["staff", "window", "department"]


class RatingRequest(Wire):
    """What the rating pad posts after a service: once per service (一次一评)."""

    ticket_id: int = Field(ge=1, lt=2**63, description="the served ticket (status done)")
    case_no: str | None = Field(
        default=None, max_length=40, description="the case taken at that service, if any"
    )
    level: int = Field(
        ge=1, le=5, description="非常满意 5, 满意 4, 基本满意 3, 不满意 2, 非常不满意 1"
    )
    reasons: list[RatingReason] = Field(default_factory=list, max_length=10)
    comment: str = Field(default="", max_length=500)
    channel: PostedChannel = "pad"


class BadReview(Wire):
    """The 差评 loop of one rating; every step names who and when (and is in the audit)."""

    state: ReviewState
    explanation: str | None = None
    explained_at: datetime | None = None
    explained_by: str | None = None
    verdict: Verdict | None = None
    verify_note: str | None = None
    verified_at: datetime | None = None
    verified_by: str | None = None
    verified_by_name: str | None = None
    rectify_days: int | None = Field(default=None, description="working days given to rectify")
    rectify_due: date | None = None
    rectification: str | None = None
    rectified_at: datetime | None = None
    rectified_by: str | None = None
    overdue: bool = Field(default=False, description="upheld, not rectified, past its due date")


class Rating(Wire):
    id: int
    ticket_id: int
    ticket_number: str
    case_no: str | None = None
    service_day: date = Field(description="the hall-local day of the service")
    finished_at: datetime
    staff_no: str | None = None
    staff_name: str | None = None
    window_no: int | None = None
    department: str | None = Field(default=None, description="department code of the window")
    level: int = Field(ge=1, le=5)
    reasons: list[RatingReason] = Field(default_factory=list)
    comment: str = ""
    channel: RatingChannel
    is_default: bool = Field(default=False, description="the locality's default, not a citizen's")
    rated_at: datetime
    bad: bool = Field(description="level 2 or 1 from a citizen (差评)")
    review: BadReview | None = Field(default=None, description="only for 差评")


class ExplainRequest(Wire):
    """The clerk's explanation (情况说明) of a 差评 of their own service; given once."""

    text: str = Field(min_length=1, max_length=1000)


class VerifyRequest(Wire):
    """A supervisor's verification (核实) of a 差评."""

    verdict: Verdict
    note: str = Field(default="", max_length=1000)
    rectify_days: int | None = Field(
        default=None,
        ge=1,
        le=365,
        description="working days to rectify an upheld 差评 (default: the hall's setting)",
    )


class RectifyRequest(Wire):
    """What was done to rectify (整改) an upheld 差评."""

    note: str = Field(min_length=1, max_length=1000)


class TallyFigures(Wire):
    served: int = Field(description="services finished (tickets done) in the period")
    rated: int = Field(description="rated by citizens (defaults not included)")
    unrated: int = Field(description="no rating yet (still open, or closed with defaults off)")
    defaults: int = Field(description="given the locality's default level, counted apart")
    levels: dict[int, int] = Field(description="citizens' ratings per level 5…1")
    bad: int = Field(description="差评: citizens' ratings of level 2 or 1")
    satisfaction: float | None = Field(description="(5+4+3)/rated, 0…1; null when none rated")
    average: float | None = Field(description="mean level of citizens' ratings")
    pending: int = Field(default=0, description="差评 awaiting verification")
    upheld: int = Field(default=0, description="差评 verified 属实 (rectified ones included)")
    rectified: int = Field(default=0)
    overdue: int = Field(default=0, description="upheld, unrectified, past the due date")
    rectify_rate: float | None = Field(default=None, description="rectified / upheld")


class TallyChange(Wire):
    """This period minus the previous one (null where either side has no ratings)."""

    rated: int
    bad: int
    satisfaction: float | None = None
    average: float | None = None


class TallyPeriod(Wire):
    start: date
    end: date = Field(description="last day, inclusive")
    figures: TallyFigures
    previous: TallyFigures | None = None
    change: TallyChange | None = None


class RatingTally(Wire):
    staff_no: str | None = None
    window_no: int | None = None
    department: str | None = None
    start: date
    end: date
    by: TallyBy
    total: TallyPeriod = Field(description="the whole range, against the same length before")
    periods: list[TallyPeriod]


class TallyRow(Wire):
    key: str = Field(description="staff number, window number or department code")
    label: str
    window_no: int | None = None
    figures: TallyFigures


class RatingTable(Wire):
    group: TableGroup
    start: date
    end: date
    rows: list[TallyRow]
