"""What a scripted citizen hands over at the window (the "documents on the desk"), and the
trainee report: plain data the intake screen and the report screen show.

A leaf module: the demo's training (counter.demo.training) fills these, the screens read them,
so screens never import counter.demo (and with it the server parts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from counter.core.trainee_report import TraineeReport


@dataclass(frozen=True)
class DeskDocument:
    material: str  # what the citizen calls it (usually the guide's material name)
    form: str = "原件"  # 原件 | 复印件 | 原件+复印件 | 电子
    note: str = ""  # what the trainee should notice: "只有复印件", "已过期" …
    # A note the simulation wrote (not a scenario's author): its catalog key under
    # training.desk.note and the value it names, so an English terminal says it in English.
    note_key: str = ""
    note_value: str = ""
    note_en: str = ""  # a scenario author's note in English (as says_en)


@dataclass(frozen=True)
class Desk:
    """The citizen in front of the trainee: who, what they say, and what they hand over."""

    citizen: str
    ticket_number: str
    says: str
    documents: tuple[DeskDocument, ...]
    id_label: str = ""  # "身份证号" / "统一社会信用代码", with the number the card shows
    id_number: str = ""
    mobile: str = ""
    contact: str = ""
    item: str = ""  # a simulated citizen names the item they came for (its code)


class TrainingControl(Protocol):
    """What the App asks of a running scenario (counter.demo.training.Training is one)."""

    def desk(self, ticket_id: int | None) -> Desk | None: ...

    def key_pressed(self) -> None: ...

    async def report(self, trainee: str = "") -> TraineeReport: ...

    async def restart(self) -> None: ...
