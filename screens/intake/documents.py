"""The documents an intake ends with, as plain text: 受理通知书, 容缺受理通知书, 一次性告知书,
不予受理告知书 (行政许可法 §32). They are legal documents of a Chinese hall, so they are written
in Chinese whatever the UI language; the terminal shows them, prints them and saves them.

Columns are aligned by display width (CJK characters take two cells: rich's cell_len), so
the document lines up on the screen, in a text file and on a line printer alike. Everything
that came from the API is cleaned of control characters first (screens.text.clean).
"""

from __future__ import annotations

import re
from datetime import date

from rich.cells import cell_len, get_character_cell_size

from client.case_models import Applicant, Case
from client.catalog_models import CatalogItem, Material
from client.hall_time import hall_date
from client.validators import ID_KIND_NAMES, mask_id, mask_phone
from screens.intake.state import IntakeState
from screens.text import clean

WIDTH = 64

TITLES = {
    "accept": "受理通知书",
    "tolerate": "容缺受理通知书",
    "notice": "一次性告知书",
    "refuse": "不予受理告知书",
}
FORMS = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件+复印件",
    "electronic": "电子",
}
STATES = {"received": "已收", "missing": "缺", "tolerated": "容缺", "flawed": "有误"}
GUESSED_NOTE = "（注：该日期所在年度的节假日安排尚未公布，为预估日期，以正式公布的日历为准。）"


# --- width-aware text -----------------------------------------------------------------------


def pad(text: str, width: int) -> str:
    """`text` cut or padded with spaces to exactly `width` cells."""
    out, used = [], 0
    for ch in text:
        size = get_character_cell_size(ch)
        if used + size > width:
            break
        out.append(ch)
        used += size
    return "".join(out) + " " * (width - used)


# What a line never breaks inside: a date written out (2026年11月30日), a number or a Latin
# word (a case number, an ID, an address's house number); and closing punctuation stays
# with what it closes, never starting a line.
_WHOLE = r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}|[0-9A-Za-z][0-9A-Za-z.+\-/:]*|\S"
_UNIT = re.compile(rf"(?:{_WHOLE})[，。、；：！？）」』》,.;:!?)]*|\s")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells. CJK text has no spaces: break between any two
    characters, but never inside a date, a number or a word, nor before closing punctuation
    (a unit longer than a whole line is cut where it must)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for unit in _UNIT.findall(paragraph):
            size = cell_len(unit)
            if used + size > width and line.strip():
                lines.append(line.rstrip())
                line, used = "", 0
                if unit.isspace():
                    continue
            if size > width:  # longer than a line: cut it character by character
                for ch in unit:
                    step = get_character_cell_size(ch)
                    if used + step > width and line:
                        lines.append(line.rstrip())
                        line, used = "", 0
                    line += ch
                    used += step
                continue
            line += unit
            used += size
        lines.append(line.rstrip())
    return lines


def centre(text: str, width: int = WIDTH) -> str:
    gap = max(0, (width - cell_len(text)) // 2)
    return (" " * gap + text).rstrip()


def field(label: str, value: str, width: int = WIDTH) -> list[str]:
    """`label：value`, the value wrapped and indented under itself."""
    head = f"{label}："
    indent = cell_len(head)
    body = wrap(value, width - indent) or [""]
    return [head + body[0]] + [" " * indent + rest for rest in body[1:]]


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- parts ------------------------------------------------------------------------------------


def _applicant_lines(applicant: Applicant) -> list[str]:
    lines: list[str] = []
    if applicant.kind == "person":
        lines += field("申请人", clean(applicant.name))
        kind = ID_KIND_NAMES.get(applicant.id_kind or "resident_id", "证件")
        lines += field(kind, mask_id(clean(applicant.id_number or "")))
    else:
        lines += field("申请单位", clean(applicant.name))
        lines += field("统一社会信用代码", clean(applicant.uscc or ""))
        if applicant.contact:
            lines += field("联系人", clean(applicant.contact))
    if applicant.mobile:
        lines += field("联系电话", mask_phone(clean(applicant.mobile)))
    agent = applicant.agent
    if agent is not None:
        kind = ID_KIND_NAMES.get(agent.id_kind, "证件")
        lines += field("代办人", f"{clean(agent.name)}（{kind} {mask_id(clean(agent.id_number))}）")
    return lines


def _material_table(
    rows: list[tuple[str, Material | None, str]], with_note: bool = False
) -> list[str]:
    """序号 材料名称 形式 份数 [说明] — the columns aligned by display width."""
    name_w = 34
    lines = [pad("序号", 5) + pad("材料名称", name_w) + pad("形式", 12) + "份数"]
    lines.append("-" * WIDTH)
    for no, (name, material, note) in enumerate(rows, start=1):
        form = FORMS.get(material.form, "") if material is not None else ""
        copies = str(material.copies) if material is not None else ""
        parts = wrap(clean(name), name_w - 1) or [""]
        lines.append((pad(str(no), 5) + pad(parts[0], name_w) + pad(form, 12) + copies).rstrip())
        lines += [" " * 5 + part for part in parts[1:]]
        if with_note and note:
            lines += [" " * 7 + part for part in wrap(clean(note), WIDTH - 7)]
    return lines


def _materials(item: CatalogItem | None) -> dict[str, Material]:
    return {m.name: m for m in item.materials} if item is not None else {}


def _header(case: Case, hall: str) -> list[str]:
    lines = []
    if hall:
        lines.append(centre(clean(hall)))
    lines.append(centre(TITLES[case.decision]))
    lines.append("")
    lines += field("办件编号", clean(case.case_no))
    lines += field("事项名称", f"{clean(case.item_name)}（{clean(case.item_code)}）")
    lines += field("承办部门", clean(case.department_name))
    lines += _applicant_lines(case.applicant)
    return lines


def _footer(case: Case) -> list[str]:
    where = f"{case.window_no}号窗口" if case.window_no is not None else ""
    clerk = f"{clean(case.staff_name)}（工号 {clean(case.staff_no)}）"
    lines = [""]
    lines += field("经办人", clerk + (f"  {where}" if where else ""))
    if case.ticket_number:
        lines += field("号票", clean(case.ticket_number))
    lines += field("日期", cn_date(hall_date(case.created_at)))
    lines.append("")
    lines.append("申请人签名：________________        （窗口专用章）")
    return lines


def _due_lines(case: Case, item: CatalogItem | None) -> list[str]:
    lines: list[str] = []
    if case.due_date is not None:
        days = f"（{item.promised_days}个工作日）" if item and item.promised_days else ""
        lines += field("承诺办结日期", cn_date(case.due_date) + days)
        if case.due_guessed:
            lines += wrap(GUESSED_NOTE, WIDTH)
    elif item is not None and item.kind == "instant":
        lines += field("办理时限", "即办件，当场办结")
    return lines


def _delivery_lines(case: Case) -> list[str]:
    if case.delivery == "post":
        return field("送达方式", f"邮寄送达（免费）：{clean(case.address or '')}")
    return field("送达方式", "窗口领取")


# --- the four documents ------------------------------------------------------------------------


def render(case: Case, item: CatalogItem | None = None, hall: str = "") -> str:
    """The document for the case's decision, as plain text lines of at most WIDTH cells."""
    materials = _materials(item)
    lines = _header(case, hall)
    lines.append("")
    if case.decision in ("accept", "tolerate"):
        accepted = cn_date(hall_date(case.created_at))
        if case.decision == "tolerate":
            said = (
                f"你（单位）提交的申请主要材料齐全、符合法定形式，本机关于{accepted}予以容缺受理。"
            )
        else:
            said = f"你（单位）提交的申请材料齐全、符合法定形式，本机关于{accepted}予以受理。"
        lines += wrap(said, WIDTH)
        lines += _due_lines(case, item)
        lines += _delivery_lines(case)
        lines.append("")
        received = [e for e in case.checklist if e.state == "received"]
        lines.append(f"已收材料（{len(received)}项）：")
        lines += _material_table([(e.material, materials.get(e.material), "") for e in received])
        if case.decision == "tolerate":
            tolerated = [e for e in case.checklist if e.state == "tolerated"]
            lines.append("")
            when = cn_date(case.commitment_date) if case.commitment_date else "承诺日期"
            lines += wrap(
                f"容缺材料（{len(tolerated)}项）：申请人承诺于{when}前补齐以下材料；"
                "逾期未补齐的，按规定终止办理。",
                WIDTH,
            )
            lines += _material_table(
                [(e.material, materials.get(e.material), e.note) for e in tolerated],
                with_note=True,
            )
    elif case.decision == "notice":
        lacking = [e for e in case.checklist if e.state == "flawed" or e.state == "missing"]
        if materials:
            lacking = [
                e
                for e in lacking
                if e.state == "flawed" or materials.get(e.material, Material(name="")).required
            ]
        lines += wrap(
            "你（单位）提交的申请材料不齐全或者不符合法定形式。根据《中华人民共和国行政许可法》"
            f"第三十二条，现一次性告知需要补正的全部内容（共{len(lacking)}项）：",
            WIDTH,
        )
        lines.append("")
        for no, entry in enumerate(lacking, start=1):
            material = materials.get(entry.material)
            form = f"（{FORMS[material.form]}{material.copies}份）" if material else ""
            lines += wrap(f"{no}. {clean(entry.material)}{form}", WIDTH)
            reason = "未提供" if entry.state == "missing" else "材料有误，需重新提供"
            if entry.note.strip() and entry.note.strip() != reason:
                reason += f"：{clean(entry.note)}"
            lines += ["   " + part for part in wrap(reason, WIDTH - 3)]
        lines.append("")
        lines += wrap("请补齐上述全部材料后再来办理；再次办理时出示本告知书即可。", WIDTH)
    else:
        lines += wrap("经审查，你（单位）的申请不予受理，理由如下：", WIDTH)
        lines += ["  " + part for part in wrap(clean(case.refuse_reason or ""), WIDTH - 2)]
        lines.append("")
        lines += field("建议向", clean(case.refer_to or ""))
        lines += wrap(
            "如对本决定不服，可依法申请行政复议或者提起行政诉讼。",
            WIDTH,
        )
    lines += _footer(case)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def title(case: Case) -> str:
    return TITLES[case.decision]


def escalation_summary(state: IntakeState, item: CatalogItem | None, case: Case | None) -> str:
    """A first line for a 办不成事 escalation raised from the intake, in the hall's language."""
    parts = []
    if state.item_name:
        parts.append(f"事项：{state.item_name}")
    if case is not None:
        parts.append(f"办件：{case.case_no}（{TITLES[case.decision]}）")
    if item is not None:
        missing = [
            m.name for m in item.materials if state.marks.get(m.name) in ("missing", "flawed")
        ]
        if missing:
            parts.append("缺少/有误材料：" + "、".join(missing))
    return "；".join(parts)
