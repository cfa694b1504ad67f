"""A demo hall's account as the login screen lists it (a leaf: demo and simulator share it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoAccount:
    staff_no: str
    name: str
    role: str
    password: str
    window: int | None = None
