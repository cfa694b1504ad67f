"""Run the central API over HTTP (uvicorn): `counter serve` calls run()."""

from __future__ import annotations

import os

from central.settings import Settings


def run(host: str, port: int, db: str, seed: str | None, catalog: str | None = None) -> None:
    """Serve the hall in database `db` (created and seeded with `seed` when empty).

    `catalog` is the service-item catalog file (TOML); None serves the packaged demo catalog.
    """
    import uvicorn

    from central.app import create_app

    app = create_app(Settings(db_path=db, seed=seed, catalog_path=catalog))
    uvicorn.run(
        app,
        host=host,
        port=port,
        # "auto" takes httptools and uvloop when installed (the server extra pulls in
        # uvicorn[standard]) and falls back to h11 and asyncio otherwise.
        http="auto",
        loop="auto",
        log_level=os.environ.get("COUNTER_LOG_LEVEL", "info"),
        # One log line per request costs more than a call-next; the audit trail records actions.
        access_log=False,
        proxy_headers=True,
    )
