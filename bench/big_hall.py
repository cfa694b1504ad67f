"""A hall file with many windows, for the call-next load test and benchmark.

Every window serves the same two queues (A first, then B), so all windows compete for the
same tickets: the hardest case for "two windows must never call the same ticket".
"""

from __future__ import annotations

from pathlib import Path


def write_big_hall(path: Path, windows: int = 100, daily_cap: int = 9999) -> Path:
    lines = [
        "[hall]",
        'code = "load"',
        'name = "负载测试大厅"',
        "",
        "[[departments]]",
        'code = "zwfw"',
        'name = "政务服务中心"',
        "",
    ]
    for prefix, name in (("A", "综合受理"), ("B", "不动产登记")):
        lines += ["[[queues]]", f'prefix = "{prefix}"', f'name = "{name}"']
        lines += [f"daily_cap = {daily_cap}", ""]
    for no in range(1, windows + 1):
        lines += ["[[windows]]", f"no = {no}", f'name = "窗口 {no}"', "general = true"]
        lines += ['queues = [["A", 1], ["B", 2]]', ""]
    for no in range(1, windows + 1):
        lines += ["[[staff]]", f'staff_no = "c{no:03d}"', f'name = "柜员{no}"']
        lines += ['role = "clerk"', f"window = {no}", 'password = "load"', ""]
    lines += ["[[staff]]", 'staff_no = "kiosk"', 'name = "取号机"', 'role = "device"']
    lines += ['device = "kiosk"', 'password = "load"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
