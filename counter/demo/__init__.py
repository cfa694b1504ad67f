"""`counter demo`: the in-process demo hall and the simulators that make it alive.

Only the CLI and the App import this package; importing it stays light (the server parts load
inside build_demo).
"""

from counter.core.demo_account import DemoAccount
from counter.demo.hall import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_URL,
    TRAINEE_WINDOW,
    DemoHall,
    build_demo,
)

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_URL",
    "TRAINEE_WINDOW",
    "DemoAccount",
    "DemoHall",
    "build_demo",
]
