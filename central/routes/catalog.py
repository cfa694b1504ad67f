"""The service-item catalog (事项目录): version, the whole catalog, search, one item's guide.

The catalog is loaded once when the app starts (`Settings.catalog_path`, else the packaged
demo) and kept in `app.state.reference` with its search index and the working calendar; a
changed catalog file takes effect on restart. Terminals cache the whole catalog: they ask for
the version and re-fetch `GET /v1/catalog` only when it changed; that answer carries
`ETag: "<version>"` and a matching `If-None-Match` gets 304 with no body. Devices (a pad, a
kiosk) search on the server with `GET /v1/catalog/items?q=`. Any logged-in account may read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from central.calendar import WorkCalendar
from central.catalog import load_catalog
from central.context import Actor
from central.deps import current_actor
from central.errors import AUTHED, AUTHED_404, NotFound
from central.settings import Settings
from client.catalog_models import Catalog, CatalogItem, CatalogItemBrief, CatalogVersion, brief
from client.catalog_search import CatalogIndex

router = APIRouter(prefix="/v1", tags=["catalog"])


@dataclass
class HallReference:
    """What the hall reads but never writes: its catalog (with index) and its calendar."""

    catalog: Catalog
    calendar: WorkCalendar
    index: CatalogIndex = field(init=False)
    items: dict[str, CatalogItem] = field(init=False)
    catalog_json: bytes = field(init=False)

    def __post_init__(self) -> None:
        self.index = CatalogIndex(self.catalog.items)
        self.items = {item.code: item for item in self.catalog.items}
        # Serialised once: the whole catalog is the largest answer the API gives.
        self.catalog_json = self.catalog.model_dump_json().encode("utf-8")

    @property
    def etag(self) -> str:
        return f'"{self.catalog.version}"'


def load_reference(settings: Settings) -> HallReference:
    """Load the catalog and the working calendar named by the settings (errors name the file).

    The calendar knows the years of the `chinese_calendar` package, the holiday files shipped
    in central/seed/holidays, and every `*.toml` in `Settings.holidays_dir`: when the State
    Council publishes next year's schedule (each November), the hall drops that year's file
    in the folder and restarts the server. Until then dates in that year are marked guessed.
    """
    folders: list[str] = []
    if settings.holidays_dir:
        if not Path(settings.holidays_dir).is_dir():
            raise ValueError(f"{settings.holidays_dir}: the holidays folder does not exist")
        folders.append(settings.holidays_dir)
    return HallReference(
        catalog=load_catalog(settings.catalog_path),
        calendar=WorkCalendar.default(*folders),
    )


def get_reference(request: Request) -> HallReference:
    reference: HallReference = request.app.state.reference
    return reference


@router.get("/catalog/version", response_model=CatalogVersion, responses=AUTHED)
def catalog_version(
    _actor: Actor = Depends(current_actor), ref: HallReference = Depends(get_reference)
) -> CatalogVersion:
    """The version (content hash) and size of the catalog; fetch the whole only on a change."""
    return ref.catalog.summary()


def _etag_matches(if_none_match: str, etag: str) -> bool:
    tags = [t.strip() for t in if_none_match.split(",")]
    bare = etag.strip('"')
    return any(t == "*" or t.removeprefix("W/").strip('"') == bare for t in tags)


@router.get(
    "/catalog",
    response_model=Catalog,
    responses={**AUTHED, 304: {"description": "the catalog has not changed (If-None-Match)"}},
)
def whole_catalog(
    _actor: Actor = Depends(current_actor),
    ref: HallReference = Depends(get_reference),
    if_none_match: str | None = Header(default=None, max_length=1000),
) -> Response:
    """The whole catalog for a terminal's cache; ETag is the version, If-None-Match → 304."""
    headers = {"ETag": ref.etag, "Cache-Control": "no-cache"}
    if if_none_match and _etag_matches(if_none_match, ref.etag):
        return Response(status_code=304, headers=headers)
    return Response(content=ref.catalog_json, media_type="application/json", headers=headers)


@router.get("/catalog/items", response_model=list[CatalogItemBrief], responses=AUTHED)
def search_items(
    q: str = Query(default="", max_length=100, description="name, pinyin initials, or code"),
    limit: int = Query(default=20, ge=1, le=200),
    _actor: Actor = Depends(current_actor),
    ref: HallReference = Depends(get_reference),
) -> list[CatalogItemBrief]:
    """Items matching q, best first (the terminal's own search, run on the server)."""
    return [brief(item) for item in ref.index.search(q, limit)]


@router.get("/catalog/items/{code}", response_model=CatalogItem, responses=AUTHED_404)
def get_item(
    code: str,
    _actor: Actor = Depends(current_actor),
    ref: HallReference = Depends(get_reference),
) -> CatalogItem:
    """One item's guide (办事指南) with its material list."""
    item = ref.items.get(code.strip())
    if item is None:
        raise NotFound(
            f"There is no item {code} in the catalog.",
            reason="no_item_catalog",
            params={"item_code": code},
        )
    return item
