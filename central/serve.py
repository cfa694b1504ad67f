"""Run the central API over HTTP (uvicorn): `counter serve` calls run()."""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from central.settings import Settings, redact

log = logging.getLogger("counter.central")

# SIGTERM with terminals streaming: uvicorn waits this long for open responses, then ends them.
GRACEFUL_S = 3


def where(settings: Settings) -> str:
    """The database for a log line: the SQLite file, or the URL without its password."""
    return redact(settings.db_url) if settings.db_url else settings.db_path


def _warn_calendar(app: Any, settings: Settings) -> None:
    """From December on, say at start that next year's official calendar is missing."""
    from central.calendar import missing_next_year
    from central.hall_time import service_day

    year = missing_next_year(app.state.reference.calendar, service_day(settings.clock()))
    if year is not None:
        log.warning(
            "The official working calendar for %s is missing: due dates that run into %s are "
            "estimated (Monday–Friday) and marked so. When the State Council's notice is out, "
            "run `counter calendar import NOTICE.txt --dir %s` and restart.",
            year,
            year,
            settings.holidays_dir or "HOLIDAYS_DIR",
        )


def run(
    host: str, port: int, settings: Settings, extend: Callable[[Any], object] | None = None
) -> None:
    """Serve the hall in the database of `settings` (created and seeded when empty); `extend`
    adds to the app before it is served (`counter serve --demo`: the classroom)."""
    import uvicorn

    from central import housekeeping
    from central.app import create_app

    app = create_app(settings)  # migrated and seeded here, before any worker starts
    if extend is not None:
        extend(app)
    store = app.state.store
    level = os.environ.get("COUNTER_LOG_LEVEL", "info")
    logging.basicConfig(level=level.upper(), format="%(levelname)s:     %(message)s")
    log.info("hall %s from %s", store.hall, where(settings))
    log.info("database size: %s", housekeeping.size_line(store))
    _warn_calendar(app, settings)
    if settings.workers > 1 and extend is None:  # a classroom stays one process
        store.dispose()
        _run_workers(host, port, settings, level)
        return
    config = uvicorn.Config(app, host=host, port=port, **_config(level))

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            # Event streams never end on their own: end them first, so the open responses
            # finish and uvicorn need not wait for them (terminals reconnect elsewhere).
            if store.hub is not None:
                store.hub.close()
            await super().shutdown(sockets)

    quiet_collector()
    Server(config).run()


# `counter serve --workers N`: the settings each worker process builds its app from.
WORKER_SETTINGS = "COUNTER_SERVE_WORKER_SETTINGS"


def _run_workers(host: str, port: int, settings: Settings, level: str) -> None:
    """N uvicorn worker processes accepting on one socket, each with its own app on the one
    database (PostgreSQL: as several instances are; SQLite: central.shared_sqlite)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    os.environ[WORKER_SETTINGS] = settings.model_dump_json()
    config = uvicorn.Config(
        "central.serve:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=settings.workers,
        **_config(level),
    )
    log.info("%d worker processes on %s:%d", settings.workers, host, port)
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def worker_app() -> Any:
    """One worker's app (uvicorn calls this in each worker process)."""
    from central.app import create_app

    settings = Settings.model_validate_json(os.environ[WORKER_SETTINGS])
    app = create_app(settings)
    quiet_collector()
    return app


def _config(level: str) -> dict[str, Any]:
    """uvicorn's settings for one process or each worker."""
    return dict(
        # "auto" takes httptools and uvloop when installed (the server extra pulls in
        # uvicorn[standard]) and falls back to h11 and asyncio otherwise.
        http="auto",
        loop="auto",
        log_level=level,
        # One log line per request costs more than a call-next; the audit trail records actions.
        access_log=False,
        # X-Forwarded-For is read by the app itself (central.gate), and only from the proxies
        # in `Settings.trusted_proxies`; uvicorn's own reading trusts every local client.
        proxy_headers=False,
        forwarded_allow_ips="",
        # With --workers, uvicorn's own server ends a worker's open event streams after this.
        timeout_graceful_shutdown=GRACEFUL_S,
    )


def quiet_collector() -> None:
    """Keep Python's cyclic garbage collector off the request path, and the interpreter lock
    from staying with one thread for long. Everything built at start
    (routes, schemas, compiled statements, the catalog) lives as long as the server: frozen,
    the collector never walks it again. And a request allocates thousands of short-lived
    objects, so collecting the youngest generation every 700 allocations ran several times per
    request; every 20,000 it runs a few times per hundred, on far fewer survivors. Under a
    burst of call-nexts the collector had been a tenth of the server's CPU."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    # The writer thread gives the interpreter lock up at every SQL statement and must get it
    # back from the event loop; with a thousand event streams being fed, the loop kept it for
    # the default 5 ms each time, so a call-next of ten statements waited ~50 ms for nothing.
    sys.setswitchinterval(0.0005)
