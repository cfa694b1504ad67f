"""Every worker's unexpected failure is said in one notice and never ends the session.

Textual ends the app when a worker started with exit_on_error=True fails. The terminal does not
override Textual's private exception hook: instead every worker runs with exit_on_error=False
and every class that starts one mixes in screens.worker_errors.SaysWorkerErrors, whose public
Worker.StateChanged handler says the failure (Worker.StateChanged goes only to the node that
started the worker). This walks the source so that a new worker or a new screen cannot forget.
"""

from __future__ import annotations

import ast
import importlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, TextArea

from client.api import CentralClient
from screens.worker_errors import SaysWorkerErrors
from tests.pilot import SIZE, build, open_escalation_form, sign_in, until

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("counter", "screens")


def _modules() -> list[tuple[str, ast.Module]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found.append((name.removesuffix(".__init__"), ast.parse(path.read_text(), str(path))))
    return found


def _is_work(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Name) and target.id == "work") or (
        isinstance(target, ast.Attribute) and target.attr == "work"
    )


def _keeps_running(call: ast.expr) -> bool:
    """The worker is started with exit_on_error=False, written out."""
    return isinstance(call, ast.Call) and any(
        k.arg == "exit_on_error" and isinstance(k.value, ast.Constant) and k.value.value is False
        for k in call.keywords
    )


def _run_worker_calls(node: ast.AST) -> list[ast.Call]:
    return [
        call
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "run_worker"
    ]


def worker_starts() -> tuple[list[str], list[tuple[str, str]]]:
    """(workers that would end the app, (module, class) of every class that starts a worker)."""
    ending: list[str] = []
    starters: list[tuple[str, str]] = []
    for module, tree in _modules():
        for call in _run_worker_calls(tree):
            if not _keeps_running(call):
                ending.append(f"{module}:{call.lineno} run_worker")
        for cls in ast.walk(tree):
            if not isinstance(cls, ast.ClassDef):
                continue
            starts = bool(_run_worker_calls(cls))
            for item in cls.body:
                if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for decorator in item.decorator_list:
                    if _is_work(decorator):
                        starts = True
                        if not _keeps_running(decorator):
                            ending.append(f"{module}:{decorator.lineno} @work {item.name}")
            if starts:
                starters.append((module, cls.name))
    return ending, starters


def test_no_worker_ends_the_app_when_it_fails() -> None:
    ending, starters = worker_starts()
    assert len(starters) > 20  # the walk found the screens (a broken walk must not pass)
    assert ending == [], "start these workers with exit_on_error=False"


def test_every_class_starting_a_worker_says_its_failures() -> None:
    _, starters = worker_starts()
    silent = [
        f"{module}.{name}"
        for module, name in starters
        if not issubclass(getattr(importlib.import_module(module), name), SaysWorkerErrors)
    ]
    assert silent == [], "mix screens.worker_errors.SaysWorkerErrors into these classes"


def test_the_terminal_does_not_override_textuals_private_exception_hook() -> None:
    for module, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.name != "_handle_exception", module


def _escalations(db_path: Path) -> int:
    with sqlite3.connect(db_path) as db:
        return int(db.execute("SELECT count(*) FROM escalations").fetchone()[0])


async def test_a_bug_while_registering_is_said_once_and_the_form_kept(
    terminal_client: CentralClient, clock: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug behind F10 on the escalation form: one notice, the app still running, everything
    typed still there, and F10 registers it once the bug is gone."""
    app = build(terminal_client, clock, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot, app)
        form = await open_escalation_form(pilot, app)
        await pilot.press(*"王秀英")
        form.query_one("#f-phone", Input).value = "13800138000"
        form.query_one("#f-category", Select).value = "urgent"
        form.query_one("#f-description", TextArea).focus()
        await pilot.press(*"跑了三次仍未办结")
        await until(pilot, lambda: form.value("description") == "跑了三次仍未办结", "typed")

        real = terminal_client.create_escalation

        async def broken(*args: Any, **kwargs: Any) -> Any:
            raise KeyError("a bug, not the network")

        monkeypatch.setattr(terminal_client, "create_escalation", broken)
        await pilot.press("f10")

        def said() -> list[str]:
            return [str(n.message) for n in app._notifications if "KeyError" in str(n.message)]

        await until(pilot, lambda: said() != [] and not form.busy, "the notice")
        assert len(said()) == 1, said()
        assert app.is_running and app.screen is form
        assert form.value("name") == "王秀英" and form.value("description") == "跑了三次仍未办结"
        assert _escalations(db_path) == 0

        monkeypatch.setattr(terminal_client, "create_escalation", real)
        await pilot.press("f10")
        await until(pilot, lambda: form.done is not None, "registered after all")
        assert _escalations(db_path) == 1
        assert len(said()) == 1  # the earlier failure was said once, not again
