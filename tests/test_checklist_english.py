"""The demo's checklist step in English has no Chinese of its own (issue 15): the deferral (容缺)
column, its key, its state and the "Possible decisions: …" line are the catalog's English. What
stays Chinese is the hall's data — the hall, window and clerk, the item and its materials, the
citizen and what they hand over — so the screen is read with that data taken out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from screens.intake import IntakeScreen
from tests.pilot import screen_lines, until
from tests.training_pilot import (
    applicant_filled,
    call_and_open,
    ready,
    scenario_hall,
    trainee_app,
)

pytest.importorskip("central.app")

QINGHE = ("SCJG-001", "示范市青禾科技有限公司", "91110105MA01ABCD13", "13822223333")
CONTACT = "李明"
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+")


def the_halls_data(app: Any, screen: IntakeScreen) -> list[str]:
    """Every text of the hall's data the checklist step may show."""
    session, item = app.session, screen.item
    assert item is not None
    words = [QINGHE[1], CONTACT, item.name, item.department_name, item.conditions, item.notes]
    for material in item.materials:
        words += [str(v) for v in material.model_dump().values() if isinstance(v, str)]
    if session.hall is not None:
        words.append(session.hall.name)
    if session.window is not None:
        words.append(session.window.name)
    if session.staff is not None:
        words.append(session.staff.name)
    desk = app.desk(session.current.id if session.current else None)
    if desk is not None:
        words += [desk.citizen, *(d.material for d in desk.documents)]
    return sorted((w for w in words if w), key=len, reverse=True)


def chinese_of_its_own(app: Any, screen: IntakeScreen) -> list[str]:
    """Chinese on screen that is no part of the hall's data (a name cut short with … counts as
    data: each run of Chinese left must then be part of one data text)."""
    data = the_halls_data(app, screen)
    left: list[str] = []
    for line in screen_lines(app):
        for word in data:
            line = line.replace(word, " ")
        left += [run for run in CJK.findall(line) if not any(run in word for word in data)]
    return left


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_checklist_step_in_english_says_nothing_in_chinese(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    async with scenario_hall(tmp_path, "enterprise-tolerate") as hall:
        app = trainee_app(hall, "en")
        async with app.run_test(size=size) as pilot:
            await ready(pilot, app, hall)
            screen = await call_and_open(pilot, app)
            await applicant_filled(pilot, screen, *QINGHE, enterprise_contact=CONTACT)
            assert screen.state.step == "checklist"
            assert chinese_of_its_own(app, screen) == []
            # Four received; the premises proof (deferrable) highlighted: its key and column.
            await pilot.press("r", "r", "r", "r")
            await until(pilot, lambda: len(screen.state.marks) == 4, "four marked")
            if size == (120, 40):  # at 80 columns the footer has no room for every key
                await until(pilot, lambda: "c Defer" in "\n".join(screen_lines(app)), "c Defer")
                assert "Defer?" in "\n".join(screen_lines(app))
            assert chinese_of_its_own(app, screen) == []
            # It is deferred, the optional one missing: the state and the decisions possible.
            await pilot.press("c", "m")
            await until(pilot, lambda: "deferred" in "\n".join(screen_lines(app)), "deferred")
            await until(
                pilot,
                lambda: "Possible decisions: Accept, rest later / " in "\n".join(screen_lines(app)),
                "the decisions possible",
            )
            assert chinese_of_its_own(app, screen) == []
            await pilot.press("f1")  # the help says the checklist's keys in English too
            await until(pilot, lambda: "c deferred" in "\n".join(screen_lines(app)), "help")
            assert chinese_of_its_own(app, screen) == []
