"""The /v1 routers of the queue and hall API."""

from __future__ import annotations

from fastapi import APIRouter

from central.routes import audit, auth, hall, interventions, live, supervision, tickets, windows

ROUTERS: list[APIRouter] = [
    auth.router,
    hall.router,
    tickets.router,
    windows.router,
    interventions.router,
    supervision.router,
    live.router,
    audit.router,
]
