"""The service-item catalog (事项目录): version, the whole catalog, search, one item's guide.

The catalog is loaded once when the app starts (`Settings.catalog_path`, else the packaged
demo) and kept in `app.state.reference` with its search index and the working calendar; a
changed catalog file takes effect on restart. Terminals cache the whole catalog: they ask for
the version and re-fetch `GET /v1/catalog` only when it changed; that answer carries
`ETag: "<version>"` and a matching `If-None-Match` gets 304 with no body. Devices (a pad, a
kiosk) search on the server with `GET /v1/catalog/items?q=`. Any logged-in account may read.
"""

from __future__ import annotations

from fastapi import APIRouter, Header, Query, Response

from central.deps import CurrentActor, Reference
from central.errors import AUTHED, AUTHED_404, NotFound
from client.catalog_models import Catalog, CatalogItem, CatalogItemBrief, CatalogVersion, brief

router = APIRouter(prefix="/v1", tags=["catalog"])


@router.get("/catalog/version", response_model=CatalogVersion, responses=AUTHED)
def catalog_version(_actor: CurrentActor, ref: Reference) -> CatalogVersion:
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
    _actor: CurrentActor,
    ref: Reference,
    if_none_match: str | None = Header(default=None, max_length=1000),
) -> Response:
    """The whole catalog for a terminal's cache; ETag is the version, If-None-Match → 304."""
    headers = {"ETag": ref.etag, "Cache-Control": "no-cache"}
    if if_none_match and _etag_matches(if_none_match, ref.etag):
        return Response(status_code=304, headers=headers)
    return Response(content=ref.catalog_json, media_type="application/json", headers=headers)


@router.get("/catalog/items", response_model=list[CatalogItemBrief], responses=AUTHED)
def search_items(
    _actor: CurrentActor,
    ref: Reference,
    q: str = Query(default="", max_length=100, description="name, pinyin initials, or code"),
    limit: int = Query(default=20, ge=1, le=200),
) -> list[CatalogItemBrief]:
    """Items matching q, best first (the terminal's own search, run on the server)."""
    return [brief(item) for item in ref.index.search(q, limit)]


@router.get("/catalog/items/{code}", response_model=CatalogItem, responses=AUTHED_404)
def get_item(code: str, _actor: CurrentActor, ref: Reference) -> CatalogItem:
    """One item's guide (办事指南) with its material list."""
    item = ref.items.get(code.strip())
    if item is None:
        raise NotFound(
            f"There is no item {code} in the catalog.",
            reason="no_item_catalog",
            params={"item_code": code},
        )
    return item
