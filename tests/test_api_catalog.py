"""The catalog endpoints through the real central API in-process: version, the whole catalog
with ETag / If-None-Match, server-side search, one item's guide, roles, and a hall's own
catalog file given in the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from central.app import create_app
from central.catalog import CatalogError, load_catalog
from central.settings import Settings
from client import errors
from client.api import CentralClient
from client.asgi import StreamingASGITransport
from tests.conftest import ClientFactory, FakeClock

SMALL_CATALOG = """
title = "测试区政务服务中心 事项目录"
[[departments]]
code = "QX"
name = "区气象局"
[[items]]
code = "QX-001"
name = "防雷装置设计审核"
department = "QX"
kind = "承诺件"
promised_days = 10
aliases = ["防雷图纸审核"]
materials = [
  { name = "防雷装置设计审核申请书" },
  { name = "设计单位资质证书", form = "复印件", tolerable = true },
]
"""


async def test_version_matches_the_loaded_catalog(make_client: ClientFactory) -> None:
    client = await make_client("1001")
    demo = load_catalog()
    version = await client.catalog_version()
    assert version.version == demo.version and len(version.version) == 12
    assert version.item_count == len(demo.items)
    assert version.department_count == len(demo.departments)


async def test_whole_catalog_with_etag_and_304(make_client: ClientFactory) -> None:
    client = await make_client("1001")
    catalog = await client.catalog()
    version = (await client.catalog_version()).version
    assert catalog.version == version
    assert catalog.item("GJ-001") is not None
    assert all(item.pinyin_initials for item in catalog.items)  # computed by the server

    headers = client.auth_headers()
    first = await client.http.get("/v1/catalog", headers=headers)
    assert first.status_code == 200
    assert first.headers["etag"] == f'"{version}"'
    cached = await client.http.get(
        "/v1/catalog", headers=headers | {"If-None-Match": first.headers["etag"]}
    )
    assert cached.status_code == 304 and cached.content == b""
    assert cached.headers["etag"] == first.headers["etag"]
    weak = await client.http.get(
        "/v1/catalog", headers=headers | {"If-None-Match": f'"stale", W/"{version}"'}
    )
    assert weak.status_code == 304
    stale = await client.http.get("/v1/catalog", headers=headers | {"If-None-Match": '"0000"'})
    assert stale.status_code == 200 and stale.json()["version"] == version


async def test_search_on_the_server(make_client: ClientFactory) -> None:
    pad = await make_client("pad01")  # devices search here; they keep no cache
    headers = pad.auth_headers()

    async def search(q: str, limit: int | None = None) -> list[dict[str, object]]:
        params: dict[str, str | int] = {"q": q}
        if limit is not None:
            params["limit"] = limit
        r = await pad.http.get("/v1/catalog/items", params=params, headers=headers)
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    by_code = await search("gj-001")
    assert by_code[0]["code"] == "GJ-001"
    assert set(by_code[0]) == {
        "code",
        "name",
        "department",
        "department_name",
        "kind",
        "promised_days",
    }
    by_initials = await search("bdcdj")
    assert by_initials and all(str(i["code"]).startswith("BDC-") for i in by_initials[:3])
    by_alias = await search("老年卡")
    assert by_alias[0]["code"] == "GJ-001"
    assert await search("") == []
    assert len(await search("d", limit=3)) == 3
    r = await pad.http.get("/v1/catalog/items", params={"q": "a", "limit": 0}, headers=headers)
    assert r.status_code == 422 and "limit" in r.json()["error"]["fields"]


async def test_one_item_and_not_found(make_client: ClientFactory) -> None:
    client = await make_client("1001")
    item = await client.catalog_item("GJ-001")
    assert item.name == "老年人公交免费乘车卡办理"
    assert item.min_age == 65 and item.kind == "promised" and item.promised_days == 10
    assert [m.tolerable for m in item.materials] == [False, True, False]
    with pytest.raises(errors.NotFound) as caught:
        await client.catalog_item("NO-SUCH")
    assert "NO-SUCH" in caught.value.message


async def test_catalog_needs_a_login(make_client: ClientFactory) -> None:
    anonymous = await make_client()
    for path in ("/v1/catalog/version", "/v1/catalog", "/v1/catalog/items/GJ-001"):
        r = await anonymous.http.get(path)
        assert r.status_code == 401, path


async def test_a_halls_own_catalog_file(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text(SMALL_CATALOG, encoding="utf-8")
    app = create_app(
        Settings(
            db_path=str(tmp_path / "c.db"),
            seed="demo",
            clock=clock,
            kdf_fast=True,
            catalog_path=str(path),
        )
    )
    client = CentralClient("http://central.test", transport=StreamingASGITransport(app))
    try:
        await client.login("1001", "counter")
        version = await client.catalog_version()
        assert (version.title, version.item_count) == ("测试区政务服务中心 事项目录", 1)
        assert version.version == load_catalog(path).version != load_catalog().version
        item = await client.catalog_item("QX-001")
        assert item.pinyin_initials == "flzzsjsh"
        with pytest.raises(errors.NotFound):
            await client.catalog_item("GJ-001")
    finally:
        await client.aclose()


def test_a_broken_catalog_file_stops_start_up(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(SMALL_CATALOG.replace('kind = "承诺件"', 'kind = "马上办"'), encoding="utf-8")
    with pytest.raises(CatalogError, match="QX-001"):
        create_app(Settings(db_path=str(tmp_path / "c.db"), catalog_path=str(path)))
