"""The central API application: `create_app(Settings(...))`.

Building the app brings the database to the newest schema (Alembic) and, when the database
holds no hall yet, loads the seed ("demo" or a hall TOML file). The same app runs in-process
under httpx's ASGI transport (tests, `counter demo`) and over HTTP under uvicorn.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError

from central import (
    alert_watch,
    db_files,
    deadline_watch,
    display,
    housekeeping,
    openapi,
    shared_sqlite,
    storage_faults,
    wal_checkpoints,
)
from central.db import make_engine, write_tx
from central.errors import install_error_handlers
from central.gate import Gate
from central.hall_seed import apply_hall, load_hall
from central.hot_front import CentralApp
from central.migrate import upgrade
from central.notifier import Notifier
from central.reference import load_reference
from central.routes import ROUTERS
from central.schema import hall
from central.settings import Settings
from central.store import Store, make_hasher

API_VERSION = "1.0.0"


def _ensure_hall(engine: Engine, settings: Settings, store_hash: Store) -> str:
    """The hall code; seeds an empty database first."""
    with write_tx(engine) as conn:
        code = conn.execute(select(hall.c.code)).scalar()
        if code is not None:
            return str(code)
        now = settings.clock()
        if settings.seed:
            seed = load_hall(settings.seed)
            apply_hall(conn, seed, store_hash.hasher.hash, now)
            return seed.code
        conn.execute(
            hall.insert().values(code=settings.hall_code, name=settings.hall_code, seeded_at=now)
        )
        return settings.hall_code


def create_app(settings: Settings) -> FastAPI:
    # Catalog and calendar first: a broken catalog file stops start-up before the database.
    reference = load_reference(settings)
    engine = make_engine(settings)
    sqlite = engine.dialect.name == "sqlite"
    try:
        if sqlite:  # the folder 0700 and the file 0600 before SQLite makes them wider
            db_files.prepare(engine.url.database or "")
        upgrade(engine)
        writer = make_engine(settings, writer=True) if sqlite else None
        store = Store(
            engine=engine, settings=settings, hall="", notifier=Notifier(),
            hasher=make_hasher(settings.kdf_fast), writer=writer,
        )  # fmt: skip
        store.hall = _ensure_hall(engine, settings, store)
    except (OSError, DBAPIError) as error:  # read-only, full, missing: one line, no traceback
        engine.dispose()
        where = engine.url.database if sqlite else engine.url.render_as_string()
        raise storage_faults.start_line(str(where), error) from None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            async with (
                deadline_watch.watching(store, reference),
                alert_watch.watching(store),
                housekeeping.watching(store),  # default ratings, pruning, statistics
                shared_sqlite.watching(store),  # --workers N on SQLite: each other's events
            ):
                with wal_checkpoints.running(store):  # SQLite: checkpoints off the writer
                    yield
        finally:
            store.dispose()

    app = CentralApp(  # the counter's action keys answered ahead of FastAPI (central.hot_front)
        title="Counter central API",
        version=API_VERSION,
        description="The reference central API of Counter (综窗工作台): queue, hall, live events.",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.reference = reference
    app.hot_front = settings.hot_front
    install_error_handlers(app)
    app.add_middleware(Gate, store=store)  # source, body size and token before the body
    openapi.install(app)  # exact whole-number bounds in /openapi.json
    for router in ROUTERS:
        app.include_router(router)
    display.install(app, settings)  # 叫号屏 and 语音叫号: device pages, announcements
    return app
