"""The hall display's part of the central: device sessions, the announcement feed and audio,
and the browser pages. `install(app, settings)` is the one call create_app makes."""

from __future__ import annotations

from fastapi import FastAPI

from central import pages
from central.announcements import Wording
from central.routes import announcements, devices
from central.settings import Settings
from central.voice import Voice


def install(app: FastAPI, settings: Settings) -> None:
    app.state.wording = Wording.of(settings)  # a bad template stops start-up with one sentence
    app.state.voice = Voice(settings.voice_command, settings.voice_command_en)
    app.include_router(devices.router)
    app.include_router(announcements.router)
    app.include_router(pages.router)
