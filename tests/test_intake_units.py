"""The intake's pure parts: rules of the decision, the documents' text and alignment, local
drafts (atomic, 0600), the catalog cache, printing through a command."""

from __future__ import annotations

import os
import stat
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from central.catalog import load_catalog
from client.case_models import Applicant, Case, ChecklistEntry
from client.catalog_models import Catalog, CatalogItem
from client.catalog_search import CatalogIndex
from counter.core import catalog_cache, i18n, intake_draft
from counter.core.printing import PrintError, print_document, save_document
from screens.intake import documents
from screens.intake.state import (
    ApplicantForm,
    IntakeState,
    applicant_problems,
    build_request,
    decision_problems,
    possible_decisions,
    restore,
)

HALL_TZ = timezone(timedelta(hours=8))
TODAY = date(2026, 11, 17)
ID = "11010519491231002X"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def bdc(catalog: Catalog) -> CatalogItem:
    item = catalog.item("BDC-002")
    assert item is not None
    return item


# --- rules ------------------------------------------------------------------------------------


def test_applicant_problems_name_the_field_and_the_reason() -> None:
    form = ApplicantForm(name="张三", id_number="110105194912310021", mobile="12345")
    assert applicant_problems(form, TODAY) == {"id_number": "check_digit", "mobile": "length"}
    assert (
        applicant_problems(
            form.model_copy(update={"id_number": ID, "mobile": "13800138000"}), TODAY
        )
        == {}
    )
    company = ApplicantForm(
        kind="enterprise",
        name="某公司",
        uscc="91350100M000100Y43",
        contact="李四",
        mobile="13800138000",
    )
    assert applicant_problems(company, TODAY) == {}
    assert applicant_problems(company.model_copy(update={"uscc": "91350100M000100Y44"}), TODAY) == {
        "uscc": "check_digit"
    }
    passport = ApplicantForm(
        name="John", id_kind="passport", id_number="E1234567", mobile="13800138000"
    )
    assert applicant_problems(passport, TODAY) == {}
    agent = passport.model_copy(
        update={
            "has_agent": True,
            "agent_name": "王五",
            "agent_id_number": "123",
            "agent_mobile": "13900139000",
        }
    )
    assert applicant_problems(agent, TODAY) == {"agent_id_number": "length"}
    young = ApplicantForm(name="小明", id_number="110105201001010013", mobile="13800138000")
    assert applicant_problems(young, TODAY) in ({}, {"id_number": "check_digit"})
    assert applicant_problems(
        form.model_copy(update={"id_number": ID, "mobile": "13800138000"}), TODAY, min_age=80
    ) == {"id_number": "too_young"}


def test_the_checklist_decides_which_outcomes_are_open(bdc: CatalogItem) -> None:
    names = [m.name for m in bdc.materials]
    everything = {n: "received" for n in names}
    assert possible_decisions(bdc, {}) == ["refuse"]
    assert possible_decisions(bdc, everything) == ["accept", "refuse"]
    tolerated = {**everything, "婚姻状况证明": "tolerated"}
    assert possible_decisions(bdc, tolerated) == ["tolerate", "notice", "refuse"]  # type: ignore[arg-type]
    # a missing 容缺-able material may be tolerated too, as the central API does
    assert possible_decisions(bdc, {**everything, "婚姻状况证明": "missing"})[0] == "tolerate"  # type: ignore[dict-item]
    assert possible_decisions(bdc, {**everything, "契税完税凭证": "missing"}) == [
        "notice",
        "refuse",
    ]  # type: ignore[dict-item]
    # an optional material missing stops nothing
    assert possible_decisions(bdc, {**everything, "授权委托书": "missing"})[0] == "accept"  # type: ignore[dict-item]


def test_the_request_records_what_the_decision_means(bdc: CatalogItem) -> None:
    form = ApplicantForm(name=" 张三 ", id_number="110105 19491231002x", mobile="138-0013-8000")
    marks = {m.name: "received" for m in bdc.materials}
    marks["契税完税凭证"] = "missing"
    marks["婚姻状况证明"] = "tolerated"
    state = IntakeState(
        item_code=bdc.code,
        applicant=form,
        marks=marks,
        decision="notice",  # type: ignore[arg-type]
        ticket_id=3,
        window_no=5,
    )
    request = build_request(state, bdc)
    entries = {e.material: (e.state, e.note) for e in request.checklist}
    assert entries["契税完税凭证"] == ("missing", "未提供")
    assert entries["婚姻状况证明"] == ("missing", "未提供")  # no 容缺 in a notice
    assert request.applicant.id_number == ID and request.applicant.name == "张三"
    assert request.applicant.mobile == "13800138000"
    assert request.commitment_date is None and request.address is None


def test_decision_fields_are_checked_before_sending(bdc: CatalogItem) -> None:
    marks = {m.name: "received" for m in bdc.materials}
    marks["婚姻状况证明"] = "tolerated"
    form = ApplicantForm(name="张三", id_number=ID, mobile="13800138000")
    state = IntakeState(applicant=form, marks=marks, decision="tolerate", delivery="post")  # type: ignore[arg-type]
    due = date(2026, 11, 20)
    assert decision_problems(state, bdc, TODAY, due) == {"address": "empty", "commitment": "empty"}
    state.address, state.commitment = "某路1号", "20261121"
    assert decision_problems(state, bdc, TODAY, due) == {"commitment": "date_after_due"}
    state.commitment = "2026/11/19"
    assert decision_problems(state, bdc, TODAY, due) == {}
    assert build_request(state, bdc).commitment_date == date(2026, 11, 19)
    state.decision = "accept"
    assert decision_problems(state, bdc, TODAY, due) == {"decision": "decision"}


def test_a_state_round_trips_through_a_draft(bdc: CatalogItem) -> None:
    state = IntakeState(
        step="checklist",
        item_code=bdc.code,
        marks={"不动产登记申请书": "received"},
        applicant=ApplicantForm(name="张三", id_number=ID),
    )
    again = restore(state.model_dump(mode="json"))
    assert again == state
    assert restore({"step": "nonsense"}) is None


# --- documents ----------------------------------------------------------------------------------


def make_case(item: CatalogItem, decision: str, **extra: Any) -> Case:
    states = ["received"] * len(item.materials)
    return Case(
        case_no="ZC2026111700007",
        item_code=item.code,
        item_name=item.name,
        department_name=item.department_name,
        decision=decision,  # type: ignore[arg-type]
        created_at=datetime(2026, 11, 17, 9, 40, tzinfo=HALL_TZ),
        applicant=Applicant(
            kind="person",
            name="[b]张三[/b]\x1b[31m",
            id_kind="resident_id",
            id_number=ID,
            mobile="13800138000",
        ),
        checklist=[
            ChecklistEntry(material=m.name, state=s)
            for m, s in zip(item.materials, states, strict=True)
        ],  # type: ignore[arg-type]
        staff_no="1005",
        staff_name="陈静",
        window_no=5,
        ticket_number="A001",
        **extra,
    )


def test_the_receipt_is_aligned_by_display_width_and_masks_the_id(bdc: CatalogItem) -> None:
    case = make_case(
        bdc,
        "accept",
        due_date=date(2027, 1, 20),
        due_guessed=True,
        delivery="post",
        address="北京市东城区某某路1号",
    )
    text = documents.render(case, bdc, "某市政务服务中心")
    assert "受理通知书" in text and ID not in text and "110105********002X" in text
    assert "\x1b" not in text and "[b]张三[/b]" in text  # data stays literal, escapes go
    assert "预估日期" in text  # a guessed calendar says so on the receipt
    assert "邮寄送达（免费）：北京市东城区某某路1号" in text
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= documents.WIDTH
    header = next(line for line in lines if line.startswith("序号"))
    rows = [line for line in lines if line[:1].isdigit() and "  " in line]
    form_column = cell_len(header[: header.index("形式")])
    for row in rows:  # every 形式 starts in the same cell column, CJK or not
        cells = 0
        for index, ch in enumerate(row):
            if cells == form_column:
                assert row[index] in "原复电", row
                break
            cells += cell_len(ch)


def test_each_decision_has_its_document(bdc: CatalogItem) -> None:
    refused = make_case(bdc, "refuse", refuse_reason="不属于本机关职权范围", refer_to="市法院")
    text = documents.render(refused, bdc)
    assert "不予受理告知书" in text and "不属于本机关职权范围" in text and "建议向：市法院" in text
    tolerated = make_case(bdc, "tolerate", commitment_date=date(2026, 11, 19))
    tolerated.checklist[5] = ChecklistEntry(material="婚姻状况证明", state="tolerated")
    assert "容缺受理通知书" in documents.render(tolerated, bdc)
    assert "2026年11月19日前补齐" in documents.render(tolerated, bdc).replace("\n", "")


# --- drafts --------------------------------------------------------------------------------------


def draft(**extra: Any) -> intake_draft.Draft:
    values: dict[str, Any] = dict(
        id="a" * 32,
        staff_no="1005",
        central="http://c",
        saved_at=datetime(2026, 11, 17, 9, 40, tzinfo=HALL_TZ),
        state={"step": "item"},
    )
    values.update(extra)
    return intake_draft.Draft(**values)


def test_drafts_are_private_atomic_and_newest_wins(sandbox: Path) -> None:
    assert intake_draft.save(draft(), 2)
    path = intake_draft.path_of("a" * 32)
    assert path.parent == sandbox / "state" / "counter" / "drafts"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert not intake_draft.save(draft(step="checklist"), 1)  # an older save arriving late
    assert intake_draft.pending()[0].step == "item"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left behind
    (path.parent / "intake-broken.json").write_text("{", encoding="utf-8")
    assert [d.id for d in intake_draft.pending("1005", "http://c")] == ["a" * 32]
    assert intake_draft.pending("1006") == []
    intake_draft.delete("a" * 32)
    assert not path.exists()
    assert not intake_draft.save(draft(), 3)  # a save in flight after submit does not revive it
    with pytest.raises(ValueError):
        intake_draft.path_of("../etc/passwd")


# --- catalog cache ----------------------------------------------------------------------------


class FakeCentral:
    """Only the two catalog calls of CentralClient; counts what was fetched."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog_value = catalog
        self.fetched = 0
        self.down = False

    async def catalog_version(self) -> Any:
        if self.down:
            from client.errors import Unreachable

            raise Unreachable("Cannot reach the central API.")
        return self.catalog_value.summary()

    async def catalog(self) -> Catalog:
        self.fetched += 1
        return self.catalog_value


async def test_the_catalog_is_fetched_only_when_its_version_changes(catalog: Catalog) -> None:
    central = FakeCentral(catalog)
    first = await catalog_cache.refresh(central, "http://c")  # type: ignore[arg-type]
    assert central.fetched == 1 and len(first.index) == len(catalog.items)
    assert catalog_cache.cache_file("http://c").exists()
    catalog_cache.forget()  # a restart: the file serves, no fetch
    again = await catalog_cache.refresh(central, "http://c")  # type: ignore[arg-type]
    assert central.fetched == 1 and again.catalog.version == catalog.version
    central.catalog_value = catalog.model_copy(update={"version": "000000000000"})
    await catalog_cache.refresh(central, "http://c")  # type: ignore[arg-type]
    assert central.fetched == 2
    central.down = True
    catalog_cache.forget()
    offline = await catalog_cache.refresh(central, "http://c")  # type: ignore[arg-type]
    assert offline.stale and offline.catalog.version == "000000000000"


def test_search_at_2000_items_finds_by_initials_name_and_code(catalog: Catalog) -> None:
    # How fast: bench/search.py (a benchmark, not a timed test).
    items = [
        item.model_copy(update={"code": f"{item.code}-{n}"})
        for n in range(2000 // len(catalog.items) + 1)
        for item in catalog.items
    ][:2000]
    index = CatalogIndex(items)
    for query in ("bdcdj", "不动产", "BDC-00"):
        found = index.search(query, limit=30)
        assert len(found) == 30, query
        assert all(hit.code.startswith("BDC-") for hit in found), query


# --- printing -----------------------------------------------------------------------------------


def test_print_command_gets_the_document_on_stdin(tmp_path: Path) -> None:
    out = tmp_path / "printed.txt"
    script = f"import sys; open({str(out)!r}, 'wb').write(sys.stdin.buffer.read())"
    command = f"{sys.executable} -c {script!r}"
    print_document(command, "受理通知书\n")
    assert out.read_text(encoding="utf-8") == "受理通知书\n"
    i18n.set_language("en")  # the failures are said in the terminal's language
    with pytest.raises(PrintError, match="command not found"):
        print_document("no-such-printer-command-xyz", "x")
    with pytest.raises(PrintError, match="out of paper"):
        print_document(f"{sys.executable} -c \"import sys; sys.exit('out of paper')\"", "x")


def test_save_document_writes_a_private_text_file(tmp_path: Path) -> None:
    path = save_document("受理通知书", "ZC2026111700001-受理通知书", datetime(2026, 11, 17, 9, 40))
    assert path.name == "ZC2026111700001-受理通知书-20261117-094000.txt"
    assert path.read_text(encoding="utf-8") == "受理通知书\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
