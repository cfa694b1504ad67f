"""Benchmark: item search per keystroke over a 2,000-item catalog (budget ≤ 10 ms).

Generates the catalog (bench/make_catalog.py), loads it as the server does (validation and
pinyin), round-trips it through JSON as the terminal's cache does, builds the terminal's
index, then types realistic queries one character at a time and times every keystroke.

    .venv/bin/python bench/search.py [-n 2000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_catalog import generate  # noqa: E402

from central.catalog import load_catalog  # noqa: E402
from client.catalog_models import Catalog  # noqa: E402
from client.catalog_search import CatalogIndex  # noqa: E402

BUDGET_MS = 10.0

QUERIES = [
    "bdcdj",
    "不动产",
    "不动产登记",
    "营业执照",
    "gjj",
    "zfgjjtq",
    "公积金 提取",
    "shbzk",
    "老年人公交",
    "fangleizhuangzhi",
    "SCJG-0",
    "qx-0001",
    "BDC",
    "yyzz",
    "医疗器械",
    "特种设备",
    "xyz",  # matches nothing: the whole catalog is scanned
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20, help="times each query is typed")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "catalog.toml"
        path.write_text(generate(args.count), encoding="utf-8")
        t0 = time.perf_counter()
        catalog = load_catalog(path)
        load_s = time.perf_counter() - t0

    # What the terminal holds: the catalog as it came over the wire and sat in its cache.
    wire = catalog.model_dump_json()
    t0 = time.perf_counter()
    cached = Catalog.model_validate_json(wire)
    parse_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    index = CatalogIndex(cached.items)
    build_ms = (time.perf_counter() - t0) * 1000

    per_key: list[float] = []
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    for _ in range(args.repeat):
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                t0 = time.perf_counter_ns()
                index.search(query[:end], limit=20)
                ms = (time.perf_counter_ns() - t0) / 1e6
                per_key.append(ms)
                per_query[query].append(ms)

    per_key.sort()
    p50 = statistics.median(per_key)
    p99 = per_key[min(len(per_key) - 1, int(len(per_key) * 0.99))]
    worst = per_key[-1]
    print(
        f"catalog: {len(cached.items)} items, {len(cached.departments)} departments, "
        f"version {cached.version}, {len(wire) / 1024:.0f} KiB as JSON"
    )
    print(f"server load (validate + pinyin): {load_s * 1000:.0f} ms")
    print(f"terminal: parse cached JSON {parse_ms:.1f} ms, build index {build_ms:.1f} ms")
    print(
        f"per keystroke over {len(per_key)} keystrokes: "
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {worst:.2f} ms (budget {BUDGET_MS:.0f} ms)"
    )
    for query, times in per_query.items():
        top = index.search(query, limit=1)
        first = f"{top[0].code} {top[0].name}" if top else "—"
        print(
            f"  {query!r:22} max {max(times):5.2f} ms  mean {statistics.fmean(times):5.2f} ms"
            f"  → {first}"
        )
    ok = p99 <= BUDGET_MS
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
