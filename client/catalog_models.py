"""Wire models of the service-item catalog (事项目录 and 办事指南).

The hall loads its catalog on the server, which also computes each name's pinyin; the
terminal fetches the whole catalog once, caches it, and re-fetches only when `version`
(a hash of the content) changes. Search then runs locally (client/catalog_search.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from client.models import Department, Wire

# 原件 / 复印件 / 原件+复印件 / 电子
MaterialForm = Literal["original", "copy", "original_and_copy", "electronic"]
# 即办件: done on the spot; 承诺件: done within a promised number of working days.
ItemKind = Literal["instant", "promised"]
# 窗口领取 / 邮寄送达 (free post)
Delivery = Literal["window", "post"]


def _window_only() -> list[Delivery]:
    return ["window"]


class Material(Wire):
    """One line of an item's material list (申请材料清单)."""

    name: str
    form: MaterialForm = "original"
    copies: int = Field(default=1, ge=1, le=20)
    required: bool = Field(default=True, description="必要 (true) or 非必要 (false)")
    tolerable: bool = Field(
        default=False, description="容缺: may be missing at acceptance and supplied later"
    )
    notes: str = ""


class Alias(Wire):
    """Another name the public uses for an item (俗称), e.g. 房产过户, with its pinyin."""

    name: str
    pinyin_initials: str = ""
    pinyin_full: str = ""


class CatalogItem(Wire):
    """A service item (事项) and its guide (办事指南)."""

    code: str = Field(description="the hall's item code, e.g. BDC-002")
    name: str
    department: str = Field(description="department code")
    department_name: str
    kind: ItemKind
    promised_days: int | None = Field(
        default=None, ge=1, description="承诺时限 in working days; set for promised items only"
    )
    fee: str | None = Field(default=None, description="what is charged; None means free")
    delivery: list[Delivery] = Field(default_factory=_window_only)
    conditions: str = Field(default="", description="受理条件, who may apply")
    min_age: int | None = Field(
        default=None, description="applicant must be at least this old (e.g. 65 for 老年卡)"
    )
    notes: str = ""
    materials: list[Material]
    aliases: list[Alias] = Field(default_factory=list)
    pinyin_initials: str = Field(default="", description="e.g. bdcdj; computed by the server")
    pinyin_full: str = Field(default="", description="e.g. budongchandengji; server-computed")


class CatalogItemBrief(Wire):
    """An item in a list of search results."""

    code: str
    name: str
    department: str
    department_name: str
    kind: ItemKind
    promised_days: int | None = None


class CatalogVersion(Wire):
    """What a terminal compares with its cached copy before fetching the whole catalog."""

    version: str = Field(description="first 12 hex digits of the sha256 of the content")
    title: str
    item_count: int
    department_count: int


class Catalog(Wire):
    version: str
    title: str
    departments: list[Department]
    items: list[CatalogItem]

    def summary(self) -> CatalogVersion:
        return CatalogVersion(
            version=self.version,
            title=self.title,
            item_count=len(self.items),
            department_count=len(self.departments),
        )

    def item(self, code: str) -> CatalogItem | None:
        for item in self.items:
            if item.code == code:
                return item
        return None


def brief(item: CatalogItem) -> CatalogItemBrief:
    return CatalogItemBrief(
        code=item.code,
        name=item.name,
        department=item.department,
        department_name=item.department_name,
        kind=item.kind,
        promised_days=item.promised_days,
    )
