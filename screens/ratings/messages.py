"""Messages the ratings screens' workers post; the screens' handlers own the state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from client.rating_models import Rating, RatingTable, RatingTally


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
    ratings: list[Rating]


@dataclass
class TableLoaded(Message):
    table: RatingTable


@dataclass
class RatingChanged(Message):
    """A step of the 差评 loop answered: the rating as it now stands."""

    rating: Rating
    step: str


@dataclass
class Exported(Message):
    path: Path
    rows: int


@dataclass
class ExportFailed(Message):
    path: Path
    reason: str
