"""Find a service item as the clerk types: by name, pinyin initials, full pinyin or code.

The index is built once from the cached catalog; the server has already computed each
name's pinyin, so nothing here imports pypinyin (it is not on the terminal's start-up path).
Ranking, best first:

    0 exact code · 1 code prefix · 2 exact name · 3 name prefix · 4 initials prefix
    5 name substring · 6 initials substring · 7 full-pinyin prefix · 8 full-pinyin substring
    9 code substring · 10 every word of a multi-word query found somewhere

then primary names before aliases (俗称), then shorter names (punctuation not counted),
then code. Case, width
(full-width letters from a Chinese IME), spaces and punctuation do not matter.
"""

from __future__ import annotations

import heapq
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from client.catalog_models import CatalogItem

_SEP = "\x00"  # joins fields of the prefilter haystack; never typed, never in a key


def search_key(text: str) -> str:
    """Lower-case, half-width, without spaces or punctuation: the form both sides compare."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


@dataclass(frozen=True, slots=True)
class _Name:
    key: str
    initials: str
    full: str
    alias: bool
    length: int


@dataclass(frozen=True, slots=True)
class _Row:
    position: int
    code: str
    names: tuple[_Name, ...]
    haystack: str


def _tier(row: _Row, q: str) -> tuple[int, int, int] | None:
    """(tier, alias?, name length) of the best way the row matches q, or None."""
    if row.code == q:
        return (0, 0, row.names[0].length)
    if row.code.startswith(q):
        return (1, 0, row.names[0].length)
    best: tuple[int, int, int] | None = None
    for name in row.names:
        if name.key == q:
            tier = 2
        elif name.key.startswith(q):
            tier = 3
        elif name.initials.startswith(q):
            tier = 4
        elif q in name.key:
            tier = 5
        elif q in name.initials:
            tier = 6
        elif name.full.startswith(q):
            tier = 7
        elif q in name.full:
            tier = 8
        else:
            continue
        found = (tier, int(name.alias), name.length)
        if best is None or found < best:
            best = found
    if best is None and q in row.code:
        best = (9, 0, row.names[0].length)
    return best


class CatalogIndex:
    """Search over a catalog's items; build once, query on every keystroke."""

    def __init__(self, items: Sequence[CatalogItem]) -> None:
        self._items = list(items)
        self._rows: list[_Row] = []
        for position, item in enumerate(self._items):
            keys = [(search_key(item.name), item.pinyin_initials, item.pinyin_full, False)]
            keys += [
                (search_key(a.name), a.pinyin_initials, a.pinyin_full, True) for a in item.aliases
            ]
            names = [_Name(key, ini, full, alias, len(key)) for key, ini, full, alias in keys]
            code = search_key(item.code)
            fields = [code]
            for n in names:
                fields += [n.key, n.initials, n.full]
            self._rows.append(_Row(position, code, tuple(names), _SEP.join(fields)))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def items(self) -> tuple[CatalogItem, ...]:
        return tuple(self._items)

    def search(self, query: str, limit: int = 20) -> list[CatalogItem]:
        """Items matching the query, best first; an empty query finds nothing."""
        q = search_key(query)
        if not q or limit <= 0:
            return []
        words = [w for w in (search_key(part) for part in query.split()) if w]
        ranked: list[tuple[int, int, int, str, int]] = []
        for row in self._rows:
            if q in row.haystack:
                found = _tier(row, q)
                if found is not None:
                    ranked.append((*found, row.code, row.position))
                    continue
            if len(words) > 1 and all(w in row.haystack for w in words):
                ranked.append((10, 0, row.names[0].length, row.code, row.position))
        best = heapq.nsmallest(limit, ranked) if len(ranked) > limit else sorted(ranked)
        return [self._items[entry[-1]] for entry in best]
