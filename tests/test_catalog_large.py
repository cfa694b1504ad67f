"""The generated 2,000-item catalog used by bench/search.py loads and searches correctly.

Correctness only; the per-keystroke budget is measured by the benchmark, not asserted here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from central.catalog import load_catalog
from client.catalog_models import Catalog
from client.catalog_search import CatalogIndex

_spec = importlib.util.spec_from_file_location(
    "make_catalog", Path(__file__).resolve().parent.parent / "bench" / "make_catalog.py"
)
assert _spec is not None and _spec.loader is not None
_make_catalog = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_make_catalog)
generate = _make_catalog.generate


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    path = tmp_path_factory.mktemp("catalog") / "large.toml"
    path.write_text(generate(2000), encoding="utf-8")
    return load_catalog(path)


def test_generation_is_deterministic() -> None:
    assert generate(300) == generate(300)
    assert generate(300, seed=1) != generate(300)


def test_the_large_catalog_is_valid(large: Catalog) -> None:
    assert len(large.items) == 2000
    assert len(large.departments) >= 30
    assert len({i.code for i in large.items}) == 2000
    assert len({i.name for i in large.items}) == 2000
    assert all(2 <= len(i.materials) <= 8 for i in large.items)


def test_search_over_the_large_catalog(large: Catalog) -> None:
    index = CatalogIndex(Catalog.model_validate_json(large.model_dump_json()).items)
    assert len(index) == 2000
    assert index.search("bdcdj")[0].name.startswith("不动产登记")
    assert index.search("QX-0001")[0].name == "防雷装置设计审核"
    assert len(index.search("登记", limit=10)) == 10
    assert index.search("zzzzqqq") == []
