"""The trainee report: each scripted citizen, the decision taken against the expected one, what
was missed, time and keys per case, and a score; as text (the screen and a .txt file) and CSV.

Plain data and rendering only (the grading against the central API is counter.demo.grading), so
the report screen can show it without importing the demo.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from counter.core.i18n import t


class Missed(str):
    """One thing missed, said in the current language, that keeps its catalog key and parameters
    (a classroom's central sends those, and each terminal says it in its own language)."""

    key: str
    params: dict[str, str]

    def __new__(cls, key: str, **params: object) -> Missed:
        said = super().__new__(cls, t(key, **params))
        said.key = key
        said.params = {name: str(value) for name, value in params.items()}
        return said


# A wrong decision scores nothing; each other miss costs this much of the case's 100.
MISS_COST = 25


@dataclass
class CaseResult:
    """One citizen of a scenario as the trainee handled them (on the wire: CaseResultOut, the
    same fields but `missed` as catalog keys; `as_is` carries the rest across)."""

    index: int
    citizen: str
    ticket_number: str
    item: str
    expected: str  # accept | tolerate | notice | refuse | escalate
    taken: str  # the same codes, or "" when nothing was recorded
    missed: list[str] = field(default_factory=list)  # sentences in the trainee's language
    points: list[str] = field(default_factory=list)  # the scenario's key points
    seconds: float | None = None
    keys: int = 0

    @property
    def score(self) -> int:
        if self.taken != self.expected:
            return 0
        return max(0, 100 - MISS_COST * len(self.missed))


@dataclass
class TraineeReport:
    scenario: str
    title: str
    cases: list[CaseResult]
    trainee: str = ""

    @property
    def score(self) -> int:
        if not self.cases:
            return 0
        return round(sum(c.score for c in self.cases) / len(self.cases))


def decision_name(code: str) -> str:
    return t(f"training.decision.{code or 'none'}")


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}"


# The fields a case has alike on the screen and on the wire (counter.core.classroom,
# counter.demo.classroom); `missed` and `points` are converted by each side.
AS_IS = ("index", "citizen", "ticket_number", "item", "expected", "taken", "seconds", "keys")


def as_is(case: object) -> dict[str, Any]:
    """A case's fields that cross between CaseResult and the wire's CaseResultOut unchanged."""
    return {name: getattr(case, name) for name in AS_IS}


def render_text(report: TraineeReport) -> str:
    lines = [
        t("training.report.head", title=report.title, scenario=report.scenario),
        # One citizen is "citizen", not "citizens" (the catalog's total_one; zh says it alike).
        t(
            "training.report.total_one" if len(report.cases) == 1 else "training.report.total",
            score=report.score,
            cases=len(report.cases),
        ),
    ]
    if report.trainee:
        lines.insert(1, t("training.report.trainee", trainee=report.trainee))
    for case in report.cases:
        lines.append("")
        lines.append(
            t(
                "training.report.case",
                index=case.index,
                ticket=case.ticket_number or "—",
                citizen=case.citizen,
                item=case.item,
            )
        )
        lines.append(
            t(
                "training.report.decision",
                taken=decision_name(case.taken),
                expected=decision_name(case.expected),
                mark="✓" if case.taken == case.expected else "✗",
            )
        )
        lines.append(
            t(
                "training.report.figures",
                time=_seconds(case.seconds),
                keys=case.keys,
                score=case.score,
            )
        )
        for miss in case.missed:
            lines.append(t("training.report.missed", what=miss))
        for point in case.points:
            lines.append(t("training.report.point", what=point))
    return "\n".join(lines) + "\n"


CSV_FIELDS = (
    "index",
    "ticket",
    "citizen",
    "item",
    "expected",
    "taken",
    "correct",
    "missed",
    "seconds",
    "keys",
    "score",
)


def render_csv(report: TraineeReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for case in report.cases:
        writer.writerow(
            [
                case.index,
                case.ticket_number,
                case.citizen,
                case.item,
                case.expected,
                case.taken,
                "yes" if case.taken == case.expected else "no",
                "; ".join(case.missed),
                "" if case.seconds is None else round(case.seconds),
                case.keys,
                case.score,
            ]
        )
    return out.getvalue()


def write(report: TraineeReport, path: Path) -> tuple[Path, Path]:
    """PATH.txt and PATH.csv (the suffix given, if any, is replaced); both paths written."""
    base = path.expanduser()
    if base.suffix.lower() in (".txt", ".csv"):
        base = base.with_suffix("")
    text, table = base.with_suffix(".txt"), base.with_suffix(".csv")
    base.parent.mkdir(parents=True, exist_ok=True)
    text.write_text(render_text(report), encoding="utf-8")
    # utf-8-sig: a spreadsheet opened by double-click reads the Chinese right.
    table.write_text(render_csv(report), encoding="utf-8-sig")
    return text, table
