"""The service-item catalog kept on the terminal, one file per central API.

Opening the intake asks the central API for the catalog's version (a few bytes) and fetches
the whole catalog only when the version differs from the cached copy; without a network the
cached copy serves. The search index is built once per catalog version (in a worker, never on
the start-up path) and kept for the life of the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from client.catalog_models import Catalog
from client.catalog_search import CatalogIndex
from client.errors import CentralError
from counter.core.places import cache_dir, write_atomic

if TYPE_CHECKING:
    from client.api import CentralClient


def catalog_dir() -> Path:
    return cache_dir() / "catalog"


def cache_file(central: str) -> Path:
    """The cached catalog of one central API (keyed by its address)."""
    key = hashlib.sha256(central.rstrip("/").encode("utf-8")).hexdigest()[:16]
    return catalog_dir() / f"catalog-{key}.json"


def load_cached(central: str) -> Catalog | None:
    """The cached catalog, or None when there is none or it cannot be read."""
    try:
        text = cache_file(central).read_text(encoding="utf-8")
        return Catalog.model_validate_json(text)
    except (OSError, ValueError):
        return None


def save_cached(central: str, catalog: Catalog) -> None:
    path = cache_file(central)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a read-only cache dir only costs a re-fetch next time
        write_atomic(path, catalog.model_dump_json(), mode=0o644)


@dataclass(frozen=True)
class LoadedCatalog:
    catalog: Catalog
    index: CatalogIndex
    # True when the central API could not be asked and the cached copy is shown instead.
    stale: bool = False


_memo: dict[str, LoadedCatalog] = {}


def remembered(central: str) -> LoadedCatalog | None:
    """The catalog this process already loaded for `central` (shown at once on re-opening)."""
    return _memo.get(central)


def forget() -> None:
    """Drop what this process remembers (tests)."""
    _memo.clear()


async def refresh(client: CentralClient, central: str) -> LoadedCatalog:
    """The current catalog with its index: from memory, the cache file or the central API.

    Raises CentralError only when the central API cannot answer and nothing is cached.
    """
    known = _memo.get(central)
    try:
        version = (await client.catalog_version()).version
    except CentralError:
        if known is not None:
            return LoadedCatalog(known.catalog, known.index, stale=True)
        cached = await asyncio.to_thread(load_cached, central)
        if cached is None:
            raise
        index = await asyncio.to_thread(CatalogIndex, cached.items)
        loaded = LoadedCatalog(cached, index, stale=True)
        _memo[central] = loaded
        return loaded
    if known is not None and known.catalog.version == version:
        loaded = LoadedCatalog(known.catalog, known.index)
        _memo[central] = loaded
        return loaded
    catalog = await asyncio.to_thread(load_cached, central)
    if catalog is None or catalog.version != version:
        catalog = await client.catalog()
        await asyncio.to_thread(save_cached, central, catalog)
    index = await asyncio.to_thread(CatalogIndex, catalog.items)
    loaded = LoadedCatalog(catalog, index)
    _memo[central] = loaded
    return loaded
