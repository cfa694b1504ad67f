"""The training parts of `counter demo`: --list-scenarios, --scenario, --report (one line each
on stderr or stdout, never a traceback)."""

from __future__ import annotations

import sys

from counter.core.i18n import current_language, t
from counter.demo.hall import DemoHall
from counter.demo.scenario import Scenario, ScenarioError, load, shipped


def list_scenarios() -> int:
    print(t("training.list_head"))
    for name in shipped():
        scenario = load(name)
        title = scenario.title_in(current_language())
        print(t("training.list_row", name=name, title=title, n=len(scenario.citizens)))
    return 0


def read_scenario(name_or_file: str) -> Scenario | None:
    try:
        return load(name_or_file)
    except ScenarioError as exc:
        message = t("training.bad_scenario", reason=str(exc))
        print(t("cli.error", message=message), file=sys.stderr)
        return None


def banner(scenario: Scenario) -> str:
    title = scenario.title_in(current_language())
    return t("training.scenario_banner", title=title, n=len(scenario.citizens))


def say_report(hall: DemoHall) -> None:
    if hall.report_files is not None:
        text, table = hall.report_files
        print(t("training.report_written", text=text, csv=table), file=sys.stderr)
    elif hall.report_error is not None:
        print(t("training.report_failed", reason=hall.report_error), file=sys.stderr)
