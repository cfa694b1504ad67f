"""Messages the ratings screens' workers post; the screens' handlers own the state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from textual.message import Message

if TYPE_CHECKING:  # the wire models (pydantic) load with the first answer, not at start
    from client.rating_models import Rating, RatingTable, RatingTally
    from client.supervisor_models import Callback


# An item of the 差评 queue: a citizen's 差评, or a dissatisfied 回访 callback put there.
BadItem: TypeAlias = "Rating | Callback"


@dataclass
class TallyLoaded(Message):
    """Today's tally for the one-line figures on the counter screen."""

    tally: RatingTally


@dataclass
class MyRatingsLoaded(Message):
    period: RatingTally
    month: RatingTally
    bad: list[Rating]


@dataclass
class QueueLoaded(Message):
    ratings: list[BadItem]


@dataclass
class TableLoaded(Message):
    table: RatingTable


@dataclass
class RatingChanged(Message):
    """A step of the 差评 loop answered: the rating (or callback) as it now stands."""

    rating: BadItem
    step: str


@dataclass
class Exported(Message):
    path: Path
    rows: int


@dataclass
class ExportFailed(Message):
    path: Path
    reason: str
