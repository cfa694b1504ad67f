"""The hall display's part of the central: what its device sessions, announcement feed and audio,
and browser pages need at run time. `install(app, settings)` is the one call create_app makes;
their routers are in the one router list (central.routes.ROUTERS)."""

from __future__ import annotations

from fastapi import FastAPI

from central.announcements import Wording
from central.settings import Settings
from central.voice import Voice


def install(app: FastAPI, settings: Settings) -> None:
    app.state.wording = Wording.of(settings)  # a bad template stops start-up with one sentence
    app.state.voice = Voice(settings.voice_command, settings.voice_command_en)
