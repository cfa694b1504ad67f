"""Every /v1 router of the central API, in the order the API's documentation lists them."""

from __future__ import annotations

from fastapi import APIRouter

from central import pages
from central.routes import (
    announcements,
    audit,
    auth,
    calendar,
    cases,
    catalog,
    devices,
    escalations,
    events,
    hall,
    interventions,
    kiosk,
    pad,
    ratings,
    reports,
    supervision,
    tickets,
    windows,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    hall.router,
    tickets.router,
    windows.router,
    interventions.router,
    supervision.router,
    reports.router,
    events.router,
    audit.router,
    catalog.router,
    cases.router,
    calendar.router,
    escalations.router,  # 办不成事
    ratings.router,  # 好差评
    devices.router,  # the hall display's device sessions
    announcements.router,  # 叫号屏 and 语音叫号
    kiosk.router,  # 取号机: queues, slips, appointments
    pad.router,  # 评价器: its window and the service to rate
    pages.router,  # the devices' browser pages (not in the API's schema)
]
