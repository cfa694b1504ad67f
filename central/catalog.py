"""Load a hall's service-item catalog (事项目录) from a TOML file.

`counter serve --catalog FILE` points here; without a file the packaged demo catalog
(central/seed/catalog/demo.toml) is used. Loading validates every item with errors that name
the file, the item code and the field; computes each name's pinyin (here, on the server, so
the terminal never imports pypinyin); and stamps a version that is a hash of the content,
which terminals compare before re-fetching the catalog.

File layout:

    title = "某某市政务服务中心 事项目录"
    [[departments]]
    code = "QX"
    name = "市气象局"
    [[items]]
    code = "QX-001"
    name = "防雷装置设计审核"
    department = "QX"
    kind = "承诺件"                  # 即办件 | 承诺件 (or instant | promised)
    promised_days = 10               # 承诺时限, working days; promised items only
    fee = "不收费"                   # omit, or 不收费/免费, for free items
    delivery = ["窗口领取", "邮寄送达"]  # default: both for promised items, window for instant
    aliases = ["防雷图纸审核"]        # 俗称, also searched
    conditions = "…"                 # 受理条件 (optional)
    min_age = 65                     # optional: the applicant's minimum age
    notes = "…"                      # optional
    materials = [
      { name = "防雷装置设计审核申请书", form = "原件" },
      { name = "设计单位资质证书", form = "复印件", copies = 1, tolerable = true, notes = "…" },
      { name = "授权委托书", required = false, notes = "委托办理时提供" },
    ]

A material's form is 原件 | 复印件 | 原件+复印件 | 电子 (or original | copy |
original_and_copy | electronic); copies defaults to 1, required to true, tolerable (容缺)
to false. Only a required material can be 容缺.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from client.catalog_models import Alias, Catalog, CatalogItem
from client.models import Department
from client.toml_file import TomlFileError, read_toml

DEMO_CATALOG = Path(__file__).parent / "seed" / "catalog" / "demo.toml"

_KINDS = {"即办件": "instant", "承诺件": "promised", "instant": "instant", "promised": "promised"}
_FORMS = {
    "原件": "original",
    "复印件": "copy",
    "原件+复印件": "original_and_copy",
    "原件和复印件": "original_and_copy",
    "电子": "electronic",
    "电子材料": "electronic",
    "电子件": "electronic",
}
_FORMS.update({v: v for v in ("original", "copy", "original_and_copy", "electronic")})
_DELIVERY = {"窗口领取": "window", "邮寄送达": "post", "window": "window", "post": "post"}
_FREE = {"", "不收费", "免费", "无"}

_TOP_KEYS = {"title", "departments", "items"}
_DEPARTMENT_KEYS = {"code", "name"}
_ITEM_KEYS = {
    "code",
    "name",
    "department",
    "kind",
    "promised_days",
    "fee",
    "delivery",
    "aliases",
    "conditions",
    "min_age",
    "notes",
    "materials",
}
_MATERIAL_KEYS = {"name", "form", "copies", "required", "tolerable", "notes"}
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


class CatalogError(ValueError):
    """A catalog file that cannot be used. The message names file, item and field."""

    def __init__(
        self, path: Path | str, message: str, *, item: str | None = None, field: str | None = None
    ) -> None:
        where = str(path)
        if item is not None:
            where += f": item {item}"
        if field is not None:
            where += f": {field}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.item = item
        self.field = field


# --- pinyin ---------------------------------------------------------------------------------

_HAN_OR_OTHER = re.compile(
    r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
)

# Readings pypinyin's phrase dictionary gets wrong in service-item names.
_PHRASE_FIXES: dict[str, list[list[str]]] = {
    "还款": [["huán"], ["kuǎn"]],
    "还贷": [["huán"], ["dài"]],
    "偿还": [["cháng"], ["huán"]],
}
_pinyin_ready = False


def _lazy_pinyin(text: str) -> list[str]:
    global _pinyin_ready
    import pypinyin

    if not _pinyin_ready:
        pypinyin.load_phrases_dict(_PHRASE_FIXES)
        _pinyin_ready = True
    return pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL, errors="ignore")


def pinyin_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a name: lower case, no tones, punctuation dropped.

    Runs of Chinese go through pypinyin's phrase dictionary (so 银行 is yinhang and 行驶 is
    xingshi); letters and digits are kept as they are, lower-cased: 3C认证 → 3crz, 3crenzheng.
    """
    initials: list[str] = []
    full: list[str] = []
    for han, other in _HAN_OR_OTHER.findall(name):
        if han:
            syllables = [s for s in _lazy_pinyin(han) if s]
            initials += [s[0] for s in syllables]
            full += syllables
        else:
            kept = "".join(ch for ch in other.lower() if ch.isascii() and ch.isalnum())
            initials.append(kept)
            full.append(kept)
    return "".join(initials), "".join(full)


# --- loading --------------------------------------------------------------------------------


def _check_keys(
    data: dict[str, Any], allowed: set[str], path: Path, item: str | None, what: str
) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise CatalogError(
            path,
            f"unknown key '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})",
            item=item,
            field=what,
        )


def _translate(value: Any, table: dict[str, str], path: Path, item: str, field: str) -> Any:
    if isinstance(value, str):
        if value.strip() in table:
            return table[value.strip()]
        allowed = " | ".join(k for k in table if not k.isascii()) or " | ".join(table)
        raise CatalogError(path, f"'{value}' is not one of {allowed}", item=item, field=field)
    return value


def _material(raw: Any, path: Path, code: str, index: int) -> dict[str, Any]:
    field = f"materials[{index + 1}]"
    if not isinstance(raw, dict):
        raise CatalogError(path, "each material must be a table {name = …}", item=code, field=field)
    _check_keys(raw, _MATERIAL_KEYS, path, code, field)
    material = dict(raw)
    if "form" in material:
        material["form"] = _translate(material["form"], _FORMS, path, code, f"{field}.form")
    return material


def _item(raw: Any, departments: dict[str, str], path: Path, index: int) -> CatalogItem:
    if not isinstance(raw, dict):
        raise CatalogError(path, "must be a table", field=f"items[{index + 1}]")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise CatalogError(
            path,
            "needs a code of letters, digits, '-', '_' or '.' (at most 40)",
            item=str(code) if code is not None else f"#{index + 1}",
            field="code",
        )
    _check_keys(raw, _ITEM_KEYS, path, code, "keys")
    data = {k: v for k, v in raw.items() if k not in ("materials", "aliases")}
    dept = data.get("department")
    if dept not in departments:
        raise CatalogError(
            path, f"'{dept}' is not a department code in this file", item=code, field="department"
        )
    data["department_name"] = departments[dept]
    data["kind"] = _translate(data.get("kind"), _KINDS, path, code, "kind")
    fee = data.get("fee")
    if isinstance(fee, str) and fee.strip() in _FREE:
        data["fee"] = None
    if "delivery" in data:
        if not isinstance(data["delivery"], list) or not data["delivery"]:
            raise CatalogError(path, "must be a non-empty list", item=code, field="delivery")
        data["delivery"] = [
            _translate(d, _DELIVERY, path, code, "delivery") for d in data["delivery"]
        ]
    elif data["kind"] == "promised":
        data["delivery"] = ["window", "post"]
    materials = raw.get("materials")
    if not isinstance(materials, list) or not materials:
        raise CatalogError(
            path, "an item needs at least one material", item=code, field="materials"
        )
    data["materials"] = [_material(m, path, code, i) for i, m in enumerate(materials)]
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise CatalogError(path, "must be a list of names", item=code, field="aliases")
    data["aliases"] = [
        Alias(name=a, pinyin_initials=pi, pinyin_full=pf)
        for a in aliases
        for pi, pf in [pinyin_keys(a)]
    ]
    data["pinyin_initials"], data["pinyin_full"] = pinyin_keys(str(data.get("name", "")))
    try:
        item = CatalogItem.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(
            f"[{p + 1}]" if isinstance(p, int) else str(p) for p in first["loc"]
        ).replace(".[", "[")
        raise CatalogError(path, first["msg"], item=code, field=field or None) from None
    _check_item(item, path)
    return item


def _check_item(item: CatalogItem, path: Path) -> None:
    if not item.name.strip():
        raise CatalogError(path, "must not be empty", item=item.code, field="name")
    if item.kind == "promised" and item.promised_days is None:
        raise CatalogError(
            path,
            "a 承诺件 needs promised_days (working days)",
            item=item.code,
            field="promised_days",
        )
    if item.kind == "instant" and item.promised_days is not None:
        raise CatalogError(
            path, "a 即办件 has no promised_days", item=item.code, field="promised_days"
        )
    for i, m in enumerate(item.materials):
        if not m.name.strip():
            raise CatalogError(
                path, "must not be empty", item=item.code, field=f"materials[{i + 1}].name"
            )
        if m.tolerable and not m.required:
            raise CatalogError(
                path,
                "only a required material can be 容缺 (tolerable)",
                item=item.code,
                field=f"materials[{i + 1}].tolerable",
            )
    if not any(m.required and not m.tolerable for m in item.materials):
        raise CatalogError(
            path,
            "at least one required material must not be 容缺",
            item=item.code,
            field="materials",
        )


def content_version(catalog: Catalog) -> str:
    """First 12 hex digits of the sha256 of the catalog's canonical JSON (version excluded)."""
    body = catalog.model_dump(mode="json", exclude={"version"})
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def parse_catalog(data: dict[str, Any], path: Path | str = "catalog") -> Catalog:
    """Validate an already-parsed catalog document; see the module docstring for the layout."""
    path = Path(path)
    _check_keys(data, _TOP_KEYS, path, None, "top level")
    title = data.get("title", path.stem)
    if not isinstance(title, str) or not title.strip():
        raise CatalogError(path, "must be text", field="title")
    raw_departments = data.get("departments")
    if not isinstance(raw_departments, list) or not raw_departments:
        raise CatalogError(path, "needs at least one [[departments]] table", field="departments")
    departments: dict[str, str] = {}
    for i, raw in enumerate(raw_departments):
        where = f"departments[{i + 1}]"
        if not isinstance(raw, dict):
            raise CatalogError(path, "must be a table", field=where)
        _check_keys(raw, _DEPARTMENT_KEYS, path, None, where)
        code, name = raw.get("code"), raw.get("name")
        if not isinstance(code, str) or not _CODE.fullmatch(code):
            raise CatalogError(path, f"bad department code {code!r}", field=f"{where}.code")
        if not isinstance(name, str) or not name.strip():
            raise CatalogError(path, "needs a name", field=f"{where}.name")
        if code in departments:
            raise CatalogError(
                path, f"department code '{code}' appears twice", field=f"{where}.code"
            )
        departments[code] = name
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise CatalogError(path, "needs at least one [[items]] table", field="items")
    items: list[CatalogItem] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_items):
        item = _item(raw, departments, path, i)
        if item.code in seen:
            raise CatalogError(path, "this item code appears twice", item=item.code, field="code")
        seen.add(item.code)
        items.append(item)
    catalog = Catalog(
        version="",
        title=title,
        departments=[Department(code=c, name=n) for c, n in departments.items()],
        items=items,
    )
    catalog.version = content_version(catalog)
    return catalog


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Load and validate a catalog file; None loads the packaged demo catalog."""
    if path is None:
        return _demo_catalog().model_copy(deep=True)
    return _load(Path(path))


def _load(path: Path) -> Catalog:
    try:
        data = read_toml(path)
    except TomlFileError as exc:
        raise CatalogError(path, exc.sentence("catalog file")) from exc
    return parse_catalog(data, path)


@lru_cache(maxsize=1)
def _demo_catalog() -> Catalog:
    return _load(DEMO_CATALOG)
