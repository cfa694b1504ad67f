"""Generate a realistic large catalog file (default 2,000 items) for the search benchmark.

The items are built from the demo catalog's departments, item stems and material patterns,
split into the sub-items (情形) a real catalog lists — 新办, 变更, 延续, 注销, 补证 … — and
spread over extra departments a big hall also hosts. Deterministic: the same seed gives the
same file, byte for byte.

    .venv/bin/python bench/make_catalog.py -n 2000 -o /tmp/catalog-2000.toml
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

from client.toml_file import tomllib

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "central" / "seed" / "catalog" / "demo.toml"


# Departments a big hall hosts besides the demo's (code, name).
EXTRA_DEPARTMENTS = [
    ("TY", "市体育局"),
    ("KJ", "市科学技术局"),
    ("LY", "市林业局"),
    ("TJ", "市统计局"),
    ("RF", "市人民防空办公室"),
    ("XF", "市消防救援支队"),
    ("CG", "市城市管理局"),
    ("TYJR", "市退役军人事务局"),
    ("DA", "市档案馆"),
    ("YC", "市烟草专卖局"),
    ("SWJ", "市商务局"),
    ("FG", "市发展和改革委员会"),
    ("GX", "市工业和信息化局"),
    ("MZZJ", "市民族宗教事务局"),
    ("GZ", "市公证处"),
]

# Sub-items (情形) of a stem, with the extra material they usually need.
SITUATIONS = [
    ("新办", None),
    ("变更", ("变更事项证明材料", "original_and_copy")),
    ("延续", ("原许可证件", "original")),
    ("注销", ("注销申请书", "original")),
    ("补证", ("遗失声明", "original")),
    ("换证", ("原证件", "original")),
    ("告知承诺制", ("告知承诺书", "original")),
    ("跨省通办", ("异地办理承诺书", "original")),
    ("简易程序", None),
    ("迁入", ("迁移证明", "original")),
    ("迁出", ("迁出申请表", "original")),
    ("个人", None),
    ("单位", ("单位介绍信", "original")),
]

STEMS_EXTRA = [
    "体育类民办非企业单位登记审查",
    "高危险性体育项目经营许可",
    "科技型中小企业评价",
    "林木采伐许可证核发",
    "林草种子生产经营许可",
    "统计调查项目审批",
    "人防工程建设许可",
    "公众聚集场所投入使用营业前消防安全检查",
    "城市建筑垃圾处置核准",
    "户外广告设施设置审批",
    "退役军人优待证申领",
    "档案查阅利用",
    "烟草专卖零售许可证核发",
    "单用途商业预付卡备案",
    "企业投资项目备案",
    "清真食品准营证核发",
    "学历公证",
    "出生公证",
    "城市道路占用挖掘许可",
    "城市绿地树木砍伐迁移审批",
]

FORMS = ["original", "copy", "original_and_copy", "electronic"]
FORM_LABEL = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件+复印件",
    "electronic": "电子",
}


def _s(text: str) -> str:
    # A JSON string of BMP text is a valid TOML basic string.
    return json.dumps(text, ensure_ascii=False)


def generate(count: int = 2000, seed: int = 2026) -> str:
    """The text of a catalog TOML file with `count` items."""
    rng = random.Random(seed)
    demo = tomllib.loads(DEMO.read_text(encoding="utf-8"))
    departments: list[tuple[str, str]] = [(d["code"], d["name"]) for d in demo["departments"]]
    departments += EXTRA_DEPARTMENTS
    stems: list[dict[str, Any]] = list(demo["items"])
    extra_codes = [code for code, _ in EXTRA_DEPARTMENTS]
    for i, name in enumerate(STEMS_EXTRA):
        template = stems[rng.randrange(len(demo["items"]))]
        stems.append(
            {
                **template,
                "name": name,
                "department": extra_codes[i % len(extra_codes)],
                "aliases": [],
            }
        )
    material_pool = [m for item in demo["items"] for m in item["materials"]]

    out = [f"title = {_s(f'压力测试事项目录（{count} 项，自动生成）')}", ""]
    for code, name in departments:
        out += ["[[departments]]", f"code = {_s(code)}", f"name = {_s(name)}", ""]
    serial: dict[str, int] = {}
    made = 0
    round_no = 0
    seen: set[str] = set()
    while made < count:
        for stem in stems:
            if made >= count:
                break
            situation, extra = SITUATIONS[(round_no + rng.randrange(3)) % len(SITUATIONS)]
            name = stem["name"] if round_no == 0 else f"{stem['name']}（{situation}）"
            if name in seen:
                name = f"{stem['name']}（{situation}·{round_no}）"
            seen.add(name)
            dept = stem["department"]
            serial[dept] = serial.get(dept, 0) + 1
            promised = rng.random() < 0.65
            materials = [dict(m) for m in stem["materials"]]
            if extra is not None:
                materials.append({"name": extra[0], "form": FORM_LABEL[extra[1]]})
            while len(materials) < 3:
                materials.append(dict(rng.choice(material_pool)))
            materials = materials[:8]
            out += [
                "[[items]]",
                f"code = {_s(f'{dept}-{serial[dept]:04d}')}",
                f"name = {_s(name)}",
                f"department = {_s(dept)}",
                f"kind = {_s('承诺件' if promised else '即办件')}",
            ]
            if promised:
                out.append(f"promised_days = {rng.choice([1, 3, 5, 7, 10, 15, 20])}")
            if stem.get("fee"):
                out.append(f"fee = {_s(stem['fee'])}")
            if round_no == 0 and stem.get("aliases"):
                out.append("aliases = [" + ", ".join(_s(a) for a in stem["aliases"]) + "]")
            out.append("materials = [")
            for m in materials:
                fields = [f"name = {_s(m['name'])}", f"form = {_s(m.get('form', '原件'))}"]
                for key in ("copies", "required", "tolerable"):
                    if key in m:
                        fields.append(f"{key} = {json.dumps(m[key])}")
                if m.get("notes"):
                    fields.append(f"notes = {_s(m['notes'])}")
                out.append("  { " + ", ".join(fields) + " },")
            out += ["]", ""]
            made += 1
        round_no += 1
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    text = generate(args.count, args.seed)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.count} items to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
