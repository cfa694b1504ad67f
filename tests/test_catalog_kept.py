"""The merged catalogs are kept in the cache dir so a start need not parse their TOML; a kept
catalog is used only while every file it came from is unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from counter.core import i18n
from counter.core.places import cache_dir


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the catalogs the test may change."""
    copy = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALES_DIR", copy)
    i18n.reload()
    yield copy
    i18n.reload()


def parsing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def no(path: Path) -> dict[str, str]:
        raise AssertionError(f"{path.name} was parsed")

    monkeypatch.setattr(i18n, "load_file", no)


def test_a_second_start_reads_the_kept_catalog(
    locales: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = dict(i18n.catalog("en"))
    assert (cache_dir() / "catalog-en.marshal").is_file()
    i18n.reload()
    parsing_fails(monkeypatch)
    assert i18n.catalog("en") == first
    assert i18n.t("keys.call_next") == first["keys.call_next"]


def test_a_changed_catalog_file_is_read_again(
    locales: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    i18n.catalog("en")
    clerk = locales / "en" / "clerk.toml"
    clerk.write_text(clerk.read_text(encoding="utf-8") + '\n[kept_test]\nnew = "Fresh"\n', "utf-8")
    i18n.reload()
    assert i18n.t("kept_test.new") == "Fresh"
    i18n.reload()
    parsing_fails(monkeypatch)  # and kept again for the next start
    assert i18n.t("kept_test.new") == "Fresh"


@pytest.mark.parametrize("kept", [b"", b"not marshal at all", None])
def test_a_broken_or_unwritable_kept_catalog_is_parsed_again(
    locales: Path, kept: bytes | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = dict(i18n.catalog("en"))
    path = cache_dir() / "catalog-en.marshal"
    if kept is None:  # the cache dir cannot be written: the catalog still loads
        path.unlink()
        monkeypatch.setenv("COUNTER_CACHE_DIR", str(locales / "en" / "clerk.toml"))
    else:
        path.write_bytes(kept)
    i18n.reload()
    assert i18n.catalog("en") == first
