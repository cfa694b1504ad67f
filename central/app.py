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

from central import display, housekeeping
from central.db import make_engine, write_tx
from central.errors import install_error_handlers
from central.hall_seed import apply_hall, load_hall
from central.migrate import upgrade
from central.notifier import Notifier
from central.routes import ROUTERS
from central.routes import calendar as calendar_routes
from central.routes import cases as cases_routes
from central.routes import catalog as catalog_routes
from central.routes import escalations as escalation_routes
from central.routes import ratings as rating_routes
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
    reference = catalog_routes.load_reference(settings)
    engine = make_engine(settings)
    upgrade(engine)
    writer = make_engine(settings, writer=True) if engine.dialect.name == "sqlite" else None
    store = Store(
        engine=engine, settings=settings, hall="", notifier=Notifier(),
        hasher=make_hasher(settings.kdf_fast), writer=writer,
    )  # fmt: skip
    store.hall = _ensure_hall(engine, settings, store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.dispose()

    app = FastAPI(
        title="Counter central API",
        version=API_VERSION,
        description="The reference central API of Counter (综窗工作台): queue, hall, live events.",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.reference = reference
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    for router in (catalog_routes.router, cases_routes.router, calendar_routes.router):
        app.include_router(router)
    app.include_router(escalation_routes.router)  # 办不成事 (its lifespan: deadline checks)
    app.include_router(rating_routes.router)  # 好差评
    display.install(app, settings)  # 叫号屏 and 语音叫号: device pages, announcements
    app.include_router(housekeeping.router)  # the periodic job (its lifespan only)
    return app
