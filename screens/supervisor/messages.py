"""Messages of the supervisor's screens (workers post them; handlers own the state)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from client.supervisor_models import Alert, Board
from client.training_models import ClassroomReports


@dataclass
class BoardLoaded(Message):
    board: Board
    alerts: list[Alert]


@dataclass
class ClassroomLoaded(Message):
    view: ClassroomReports
    board: Board


@dataclass
class JumpTo(Message):
    """Show this row of the board: a window ("w", no) or a queue ("q", prefix)."""

    table: str
    key: str
