"""The demo catalog, the loader's checks and versioning, and the terminal's item search."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from central.catalog import DEMO_CATALOG, CatalogError, load_catalog, pinyin_keys
from client.catalog_models import Catalog, CatalogItem
from client.catalog_search import CatalogIndex

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def index(demo: Catalog) -> CatalogIndex:
    # The terminal builds its index from the cached wire form, not the server's objects.
    return CatalogIndex(Catalog.model_validate_json(demo.model_dump_json()).items)


def named(demo: Catalog, name: str) -> CatalogItem:
    matches = [i for i in demo.items if i.name == name]
    assert matches, f"no item named {name}"
    return matches[0]


# --- the demo data --------------------------------------------------------------------------


def test_demo_is_a_real_halls_size(demo: Catalog) -> None:
    assert len(demo.departments) >= 15
    assert len(demo.items) >= 120
    assert {i.department for i in demo.items} == {d.code for d in demo.departments}
    assert len({i.code for i in demo.items}) == len(demo.items)
    assert len({i.name for i in demo.items}) == len(demo.items)
    assert all(i.code.startswith(i.department + "-") for i in demo.items)


def test_the_items_the_seeds_name_are_there(demo: Catalog) -> None:
    design = named(demo, "防雷装置设计审核")
    assert design.kind == "promised" and design.promised_days == 10
    acceptance = named(demo, "防雷装置竣工验收")
    assert acceptance.kind == "promised" and acceptance.promised_days == 5
    bus = named(demo, "老年人公交免费乘车卡办理")
    assert bus.min_age == 65 and bus.promised_days == 10
    licence = named(demo, "企业设立登记（营业执照）")
    assert any(a.name == "三证合一" for a in licence.aliases)
    assert "三证合一" in licence.notes
    names = " ".join(i.name for i in demo.items)
    for needle in (
        "不动产登记",
        "不动产抵押登记",
        "土地登记证换证",
        "社会保障卡",
        "医保电子凭证",
        "住房公积金提取",
        "特种设备",
        "医疗器械",
    ):
        assert needle in names, needle
    assert any(a.name == "房产过户" for i in demo.items for a in i.aliases)


def test_material_lists_follow_the_rules(demo: Catalog) -> None:
    for item in demo.items:
        assert 2 <= len(item.materials) <= 8, item.code
        assert (item.kind == "promised") == (item.promised_days is not None), item.code
        first = item.materials[0]
        assert not first.tolerable, item.code
        for m in item.materials:
            if m.tolerable:
                assert m.required, (item.code, m.name)
                # 容缺 is for secondary materials, never the application or the identity.
                assert not any(w in m.name for w in ("申请书", "申请表", "身份证")), m.name
    forms = {m.form for i in demo.items for m in i.materials}
    assert forms == {"original", "copy", "original_and_copy", "electronic"}
    assert any(m.tolerable for i in demo.items for m in i.materials)
    assert any(not m.required for i in demo.items for m in i.materials)


def test_pinyin_is_computed_on_load(demo: Catalog) -> None:
    item = named(demo, "不动产抵押登记")
    assert item.pinyin_initials == "bdcdydj"
    assert item.pinyin_full == "budongchandiyadengji"
    # Polyphones through the phrase dictionary; punctuation and tones gone.
    assert pinyin_keys("个人住房公积金贷款（银行）") == (
        "grzfgjjdkyh",
        "gerenzhufanggongjijindaikuanyinhang",
    )
    assert pinyin_keys("机动车号牌、行驶证") == ("jdchpxsz", "jidongchehaopaixingshizheng")
    assert pinyin_keys("3C认证") == ("3crz", "3crenzheng")
    assert pinyin_keys("提前还款")[1] == "tiqianhuankuan"  # fixed: the dictionary says hai


# --- versioning -----------------------------------------------------------------------------


def test_version_is_a_stable_content_hash(demo: Catalog, tmp_path: Path) -> None:
    assert len(demo.version) == 12 and int(demo.version, 16) >= 0
    copy = tmp_path / "hall.toml"
    text = DEMO_CATALOG.read_text(encoding="utf-8")
    copy.write_text("# a comment does not change the content\n" + text, encoding="utf-8")
    assert load_catalog(copy).version == demo.version
    copy.write_text(
        text.replace(
            'promised_days = 10\naliases = ["防雷图纸审核"',
            'promised_days = 8\naliases = ["防雷图纸审核"',
        ),
        encoding="utf-8",
    )
    changed = load_catalog(copy)
    assert named(changed, "防雷装置设计审核").promised_days == 8
    assert changed.version != demo.version
    summary = demo.summary()
    assert summary.version == demo.version and summary.item_count == len(demo.items)


# --- errors ---------------------------------------------------------------------------------

GOOD_ITEM = """
[[departments]]
code = "QX"
name = "市气象局"

[[items]]
code = "QX-001"
name = "防雷装置设计审核"
department = "QX"
kind = "承诺件"
promised_days = 10
materials = [{ name = "申请书" }, { name = "设计图纸", form = "复印件", tolerable = true }]
"""


@pytest.mark.parametrize(
    ("change", "item", "field", "message"),
    [
        (("promised_days = 10\n", ""), "QX-001", "promised_days", "needs promised_days"),
        (('kind = "承诺件"', 'kind = "加急件"'), "QX-001", "kind", "not one of"),
        (('form = "复印件"', 'form = "扫描件"'), "QX-001", "materials[2].form", "not one of"),
        (('department = "QX"', 'department = "XX"'), "QX-001", "department", "not a department"),
        (("promised_days = 10", "promised_days = 0"), "QX-001", "promised_days", "greater than"),
        (("promised_days = 10", 'promised_days = "ten"'), "QX-001", "promised_days", "integer"),
        (('name = "防雷装置设计审核"', 'nmae = "x"'), "QX-001", "keys", "unknown key 'nmae'"),
        (
            ("tolerable = true", "tolerable = true, required = false"),
            "QX-001",
            "materials[2].tolerable",
            "only a required",
        ),
        (('{ name = "申请书" }, ', ""), "QX-001", "materials", "must not be 容缺"),
        (('code = "QX-001"', 'code = "QX 001"'), "QX 001", "code", "needs a code"),
    ],
)
def test_a_bad_catalog_says_file_item_and_field(
    tmp_path: Path, change: tuple[str, str], item: str, field: str, message: str
) -> None:
    path = tmp_path / "hall.toml"
    assert change[0] in GOOD_ITEM
    path.write_text(GOOD_ITEM.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    error = caught.value
    assert error.path == str(path) and error.item == item and error.field == field
    assert message in str(error)
    assert str(error).startswith(f"{path}: item {item}: {field}: ")


def test_the_good_example_loads_and_duplicates_do_not(tmp_path: Path) -> None:
    path = tmp_path / "hall.toml"
    path.write_text(GOOD_ITEM, encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.items[0].delivery == ["window", "post"]
    assert catalog.items[0].materials[1].form == "copy"
    path.write_text(
        GOOD_ITEM + GOOD_ITEM.split("[[items]]")[1].join(["[[items]]", ""]), encoding="utf-8"
    )
    with pytest.raises(CatalogError, match="appears twice"):
        load_catalog(path)


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("title = \n", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid TOML"):
        load_catalog(broken)


# --- search ---------------------------------------------------------------------------------


def test_pinyin_initials_find_the_item_first(index: CatalogIndex) -> None:
    assert index.search("bdcdj")[0].name.startswith("不动产登记")
    assert index.search("bdcdydj")[0].name == "不动产抵押登记"
    assert index.search("flzzsjsh")[0].name == "防雷装置设计审核"
    assert index.search("lnrgj")[0].name == "老年人公交免费乘车卡办理"


def test_names_aliases_and_full_pinyin(index: CatalogIndex) -> None:
    assert index.search("土地登记证换证")[0].code == "BDC-009"
    assert index.search("房产过户")[0].code == "BDC-002"  # an alias (俗称)
    assert index.search("社保卡")[0].name == "社会保障卡申领"
    assert index.search("fangleizhuangzhi")[0].name.startswith("防雷装置")
    assert index.search("yibaodianzi")[0].name == "医保电子凭证激活"
    assert index.search("医疗器械")[0].name.endswith(("医疗器械经营许可", "医疗器械经营备案"))


def test_codes_exact_and_prefix(index: CatalogIndex) -> None:
    assert [i.code for i in index.search("QX-002")] == ["QX-002"]
    assert index.search("qx002")[0].code == "QX-002"  # case and dash do not matter
    prefix = index.search("QX-", limit=50)
    # Code prefixes first; after them, e.g. 医疗器械 (ylqx) whose initials hold "qx".
    assert {i.code for i in prefix[:4]} == {"QX-001", "QX-002", "QX-003", "QX-004"}
    assert "SCJG-009" in {i.code for i in prefix[4:]}


def test_ranking_order(index: CatalogIndex) -> None:
    results = index.search("残疾人", limit=50)
    # Name prefixes come before names that merely contain the words.
    first_contains = next(i for i, r in enumerate(results) if not r.name.startswith("残疾人"))
    assert first_contains >= 4
    assert all(not r.name.startswith("残疾人") for r in results[first_contains:])
    assert "重度残疾人护理补贴申领" in [r.name for r in results[first_contains:]]
    lengths = [len(r.name.replace("（", "").replace("）", "")) for r in results[:first_contains]]
    assert lengths == sorted(lengths)


def test_tolerant_input(index: CatalogIndex) -> None:
    assert index.search("  BDCDJ ")[0].name.startswith("不动产登记")
    assert index.search("ｂｄｃｄｊ")[0].name.startswith("不动产登记")  # full-width IME letters
    assert index.search("bu dong chan di ya")[0].name == "不动产抵押登记"
    both = index.search("公积金 提取")
    assert both and all("公积金提取" in r.name for r in both)
    assert index.search("抵押 不动产")[0].name == "不动产抵押登记"  # words in any order
    assert index.search("") == [] and index.search("   ") == []
    assert index.search("zzzzqqq") == []
    assert len(index.search("登记", limit=3)) == 3


def test_search_module_does_not_import_pypinyin() -> None:
    import subprocess

    code = (
        "import sys, client.catalog_search, client.catalog_models, client.validators;"
        "sys.exit(1 if 'pypinyin' in sys.modules or 'central' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
